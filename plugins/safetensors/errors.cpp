#include "errors.hpp"

namespace gmat::safetensors {

void fail(gmat_status status, const std::string &file, const std::string &rule) {
    throw sdk::Error(status, file + ": " + rule);
}

void fail_tensor(gmat_status status, const std::string &file, std::string_view tensor, const std::string &rule) {
    throw sdk::Error(status, file + ": tensor '" + std::string(tensor) + "': " + rule);
}

std::string bracketed(const uint64_t *values, size_t count) {
    std::string text = "[";
    for (size_t i = 0; i < count; ++i) text += (i ? ", " : "") + std::to_string(values[i]);
    return text + "]";
}

} // namespace gmat::safetensors
