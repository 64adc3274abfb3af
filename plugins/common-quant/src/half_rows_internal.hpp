// The AVX2 bodies of the row conversions (half_rows_avx2.cpp). Each converts
// the largest multiple of 8 values it can and returns how many it converted;
// the caller finishes the tail with the scalar functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gmat::quant::avx2 {

size_t fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n) noexcept;
size_t fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept;
size_t fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n) noexcept;
size_t bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept;

} // namespace gmat::quant::avx2
