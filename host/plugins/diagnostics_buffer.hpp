// A host-owned gmat_diagnostics buffer for one plugin call.
#pragma once

#include "common/error.hpp"
#include "plugins/loaded_library.hpp"

#include <gmat/abi.h>

#include <array>
#include <string>

namespace gmat {

class DiagnosticsBuffer {
public:
    DiagnosticsBuffer() { text_[0] = '\0'; }
    gmat_diagnostics *get() {
        diag_ = {text_.data(), text_.size()};
        return &diag_;
    }
    // Throws GmatError("<context>: <plugin message>") unless status is GMAT_OK.
    void check(int32_t status, const std::string &context) const {
        if (status != GMAT_OK) throw GmatError(context + ": " + plugin_message(text_.data(), status));
    }

private:
    std::array<char, 2048> text_;
    gmat_diagnostics diag_{};
};

} // namespace gmat
