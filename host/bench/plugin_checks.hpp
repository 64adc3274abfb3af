// The host-side conformance check `gmat check-plugin` runs on each quant type
// a plugin provides: what any type must do for the export pipeline to rely on
// it, without needing the test suite. The full suite (tests/conformance)
// goes further against ggml.
#pragma once

#include "bench/ggml_library.hpp"
#include "plugins/quant_type.hpp"

#include <string>
#include <vector>

namespace gmat::bench {

enum class CheckOutcome { pass, fail, skip };

struct CheckResult {
    std::string check; // "descriptor", "round trip", ...
    CheckOutcome outcome;
    std::string detail; // the numbers, or what went wrong
};

// The largest relative RMSE the round-trip check accepts for a type on a
// heavy-tailed matrix, from its bits per weight: min(0.95, 8 * 2^-bits) for
// quantized types, 2^-(bits / 2) for plain float encodings.
double allowed_relative_rmse(const QuantType &type);

// Runs every check on `type`; a plugin that throws or crashes a check's
// expectations fails that check, never the whole run. ggml may be nullptr.
std::vector<CheckResult> check_quant_type(const QuantType &type, const GgmlLibrary *ggml);

} // namespace gmat::bench
