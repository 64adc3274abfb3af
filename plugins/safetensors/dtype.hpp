// The element types a safetensors header may name, with their sizes.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gmat::safetensors {

struct Dtype {
    const char *name; // as spelled in the header: "F32", "BF16", "F8_E4M3"...
    gmat_dtype id;
    uint32_t size; // bytes per element
};

// The dtype spelled `name` (case-sensitive, as the format defines), or nullptr.
const Dtype *find_dtype(std::string_view name);

// "F32, F16, BF16, ..." for error messages.
std::string known_dtype_names();

} // namespace gmat::safetensors
