#include <gmat_quant/half.hpp>
#include <gmat_quant/half_rows.hpp>

#include "half_rows_internal.hpp"

namespace gmat::quant {

namespace {

// How many leading values the AVX2 body converted (0 when it must not run).
template <class Body>
size_t vector_prefix(SimdLevel level, Body body) noexcept {
#if defined(GMAT_QUANT_HAVE_AVX2)
    if (level == SimdLevel::avx2) return body();
#else
    (void)level;
    (void)body;
#endif
    return 0;
}

} // namespace

void fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n, SimdLevel level) noexcept {
    size_t i = vector_prefix(level, [&] { return avx2::fp32_to_fp16_row(src, dst, n); });
    for (; i < n; ++i) dst[i] = fp32_to_fp16(src[i]);
}

void fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n, SimdLevel level) noexcept {
    size_t i = vector_prefix(level, [&] { return avx2::fp16_to_fp32_row(src, dst, n); });
    for (; i < n; ++i) dst[i] = fp16_to_fp32(src[i]);
}

void fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n, SimdLevel level) noexcept {
    size_t i = vector_prefix(level, [&] { return avx2::fp32_to_bf16_row(src, dst, n); });
    for (; i < n; ++i) dst[i] = fp32_to_bf16(src[i]);
}

void bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n, SimdLevel level) noexcept {
    size_t i = vector_prefix(level, [&] { return avx2::bf16_to_fp32_row(src, dst, n); });
    for (; i < n; ++i) dst[i] = bf16_to_fp32(src[i]);
}

void fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n) noexcept {
    fp32_to_fp16_row(src, dst, n, simd_level());
}
void fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept {
    fp16_to_fp32_row(src, dst, n, simd_level());
}
void fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n) noexcept {
    fp32_to_bf16_row(src, dst, n, simd_level());
}
void bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept {
    bf16_to_fp32_row(src, dst, n, simd_level());
}

} // namespace gmat::quant
