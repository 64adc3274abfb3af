// Whole-array fp16/bf16 conversions, with the same results as the scalar
// functions of <gmat_quant/half.hpp> for every input. The overloads without a
// SimdLevel use simd_level() (AVX2 + F16C when available); the explicit ones
// exist so tests can compare the variants.
#pragma once

#include <gmat_quant/cpu_features.hpp>

#include <cstddef>
#include <cstdint>

namespace gmat::quant {

void fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n) noexcept;
void fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept;
void fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n) noexcept;
void bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept;

void fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n, SimdLevel level) noexcept;
void fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n, SimdLevel level) noexcept;
void fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n, SimdLevel level) noexcept;
void bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n, SimdLevel level) noexcept;

} // namespace gmat::quant
