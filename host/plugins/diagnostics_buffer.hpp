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
    // A plugin that names the same file first (as writers do) is not repeated:
    // "x.gguf: writing tensor data: renaming ... failed", not "x.gguf: ...: x.gguf: ...".
    void check(int32_t status, const std::string &context) const {
        if (status == GMAT_OK) return;
        std::string message = plugin_message(text_.data(), status);
        const std::string lead = context.substr(0, context.find(": ")) + ": ";
        if (message.size() > lead.size() && message.compare(0, lead.size(), lead) == 0) message.erase(0, lead.size());
        throw GmatError(context + ": " + message);
    }

private:
    std::array<char, 2048> text_;
    gmat_diagnostics diag_{};
};

} // namespace gmat
