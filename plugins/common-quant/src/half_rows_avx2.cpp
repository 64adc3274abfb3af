// AVX2 + F16C bodies of the row conversions. Compiled with -mavx2 -mfma
// -mf16c: everything here is internal or declared in half_rows_internal.hpp.
#include "half_rows_internal.hpp"

#include <gmat_quant/half.hpp>

#include <immintrin.h>

namespace gmat::quant::avx2 {

size_t fp32_to_fp16_row(const float *src, uint16_t *dst, size_t n) noexcept {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(src + i);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i),
                         _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        // F16C keeps NaN payloads; ggml (and the scalar path) store 0x7e00 | sign.
        const int nan_lanes = _mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        if (nan_lanes != 0) {
            for (int lane = 0; lane < 8; ++lane)
                if (nan_lanes & (1 << lane)) dst[i + lane] = fp32_to_fp16(src[i + lane]);
        }
    }
    return i;
}

size_t fp16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept {
    const __m256i exponent_mask = _mm256_set1_epi32(0x7f800000);
    const __m256i quiet_bit = _mm256_set1_epi32(0x00400000);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
        __m256i bits = _mm256_castps_si256(_mm256_cvtph_ps(h));
        // Quiet every NaN whatever the hardware does with signalling ones.
        const __m256i abs_bits = _mm256_and_si256(bits, _mm256_set1_epi32(0x7fffffff));
        const __m256i is_nan = _mm256_cmpgt_epi32(abs_bits, exponent_mask);
        bits = _mm256_or_si256(bits, _mm256_and_si256(is_nan, quiet_bit));
        _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(bits));
    }
    return i;
}

size_t fp32_to_bf16_row(const float *src, uint16_t *dst, size_t n) noexcept {
    const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
    const __m256i inf_bits = _mm256_set1_epi32(0x7f800000);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i round_bias = _mm256_set1_epi32(0x7fff);
    const __m256i quiet = _mm256_set1_epi32(0x40);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i u = _mm256_castps_si256(_mm256_loadu_ps(src + i));
        const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), one);
        const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(round_bias, odd)), 16);
        const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(u, 16), quiet);
        const __m256i is_nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, abs_mask), inf_bits);
        const __m256i result = _mm256_blendv_epi8(rounded, nan, is_nan);
        // 32 -> 16 bit lanes: packus works per 128-bit half, values are < 65536.
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(result, result), 0x08);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), _mm256_castsi256_si128(packed));
    }
    return i;
}

size_t bf16_to_fp32_row(const uint16_t *src, float *dst, size_t n) noexcept {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
        const __m256i bits = _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16);
        _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(bits));
    }
    return i;
}

} // namespace gmat::quant::avx2
