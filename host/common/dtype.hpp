// Source element types: names as safetensors spells them, sizes, and exact
// widening of float payloads to F32 rows for quantization.
#pragma once

#include <gmat/abi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmat {

const char *dtype_name(gmat_dtype dtype);                 // "BF16"
std::optional<gmat_dtype> dtype_from_name(std::string_view name);
size_t dtype_size(gmat_dtype dtype);
bool is_float_weight_dtype(gmat_dtype dtype);             // F32, F16, BF16
// Exact conversion of n source values to float (F32 copy; F16, BF16 and the
// 8-bit floats F8_E4M3, F8_E5M2, F8_E8M0 widen exactly). Throws for integers.
void convert_to_f32(gmat_dtype dtype, const void *src, size_t n, float *dst);
// An E8M0 scale byte (MXFP4's scales, U8 or F8_E8M0): 2^(b - 127); 0xFF is NaN.
float e8m0_to_float(uint8_t b);

uint64_t element_count(const std::vector<uint64_t> &shape); // throws on overflow
std::string shape_string(const std::vector<uint64_t> &shape, char separator = 'x');

} // namespace gmat
