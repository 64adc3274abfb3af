// How the reader reports a broken input. Every message has the shape
//
//     <file>: <broken rule>
//     <file>: tensor '<name>': <broken rule>
//
// where <file> is the path of the .safetensors shard or index.json at fault
// and the rule says what was found and what the format expects.
#pragma once

#include <gmat/sdk.hpp>

#include <string>
#include <string_view>

namespace gmat::safetensors {

[[noreturn]] void fail(gmat_status status, const std::string &file, const std::string &rule);
[[noreturn]] void fail_tensor(gmat_status status, const std::string &file, std::string_view tensor,
                              const std::string &rule);

// The common case: the input violates the safetensors format.
[[noreturn]] inline void format_error(const std::string &file, const std::string &rule) {
    fail(GMAT_ERROR_FORMAT, file, rule);
}
[[noreturn]] inline void tensor_format_error(const std::string &file, std::string_view tensor,
                                             const std::string &rule) {
    fail_tensor(GMAT_ERROR_FORMAT, file, tensor, rule);
}

// "[2, 3, 4]" for messages about shapes and offsets.
std::string bracketed(const uint64_t *values, size_t count);

} // namespace gmat::safetensors
