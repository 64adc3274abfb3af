// Avx2Simd: the AVX2 backend of the 8-lane SIMD abstraction; the contract is
// in <gmat_quant/simd_scalar.hpp>. Include only from translation units built
// with -mavx2 -mfma -mf16c (gmat_quant_avx2_sources() in CMake).
#pragma once

#if !defined(__AVX2__) || !defined(__F16C__)
#error "simd_avx2.hpp needs -mavx2 -mf16c: list the file in gmat_quant_avx2_sources()"
#endif

#include <gmat_quant/half.hpp>

#include <immintrin.h>

#include <cstdint>

namespace gmat::quant {

struct Avx2Simd {
    static constexpr const char *name = "avx2";
    static constexpr int lanes = 8;
    using F = __m256;
    using M = __m256;

    GMAT_QUANT_INLINE static F load(const float *p) { return _mm256_loadu_ps(p); }
    GMAT_QUANT_INLINE static void store(float *p, F a) { _mm256_storeu_ps(p, a); }
    GMAT_QUANT_INLINE static F set1(float s) { return _mm256_set1_ps(s); }
    GMAT_QUANT_INLINE static F zero() { return _mm256_setzero_ps(); }
    GMAT_QUANT_INLINE static F add(F a, F b) { return _mm256_add_ps(a, b); }
    GMAT_QUANT_INLINE static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
    GMAT_QUANT_INLINE static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
    GMAT_QUANT_INLINE static F div(F a, F b) { return _mm256_div_ps(a, b); }
    GMAT_QUANT_INLINE static F min(F a, F b) { return _mm256_min_ps(a, b); }
    GMAT_QUANT_INLINE static F max(F a, F b) { return _mm256_max_ps(a, b); }
    GMAT_QUANT_INLINE static F sqrt(F a) { return _mm256_sqrt_ps(a); }
    GMAT_QUANT_INLINE static F abs(F a) {
        return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    }
    GMAT_QUANT_INLINE static F round(F a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

    GMAT_QUANT_INLINE static M eq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
    GMAT_QUANT_INLINE static M neq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
    GMAT_QUANT_INLINE static M lt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
    GMAT_QUANT_INLINE static M le(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
    GMAT_QUANT_INLINE static M gt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
    GMAT_QUANT_INLINE static M mask_and(M a, M b) { return _mm256_and_ps(a, b); }
    GMAT_QUANT_INLINE static M mask_or(M a, M b) { return _mm256_or_ps(a, b); }
    GMAT_QUANT_INLINE static M mask_andnot(M a, M b) { return _mm256_andnot_ps(b, a); }
    GMAT_QUANT_INLINE static F select(M m, F if_true, F if_false) { return _mm256_blendv_ps(if_false, if_true, m); }
    GMAT_QUANT_INLINE static int mask_bits(M m) { return _mm256_movemask_ps(m); }

    GMAT_QUANT_INLINE static float hsum(F a) {
        const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1)); // 0+4 1+5 2+6 3+7
        const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));                       // (0+4)+(2+6) (1+5)+(3+7)
        return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
    }
    GMAT_QUANT_INLINE static float hmax(F a) {
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
    }
    GMAT_QUANT_INLINE static float hmin(F a) {
        __m128 m = _mm_min_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        m = _mm_min_ps(m, _mm_movehl_ps(m, m));
        return _mm_cvtss_f32(_mm_min_ss(m, _mm_movehdup_ps(m)));
    }

    GMAT_QUANT_INLINE static void transpose8(F (&r)[8]) {
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
        const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
        const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
        const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
        r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
        r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
        r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
        r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
        r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
        r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
        r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
        r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
    }
    GMAT_QUANT_INLINE static F round_to_fp16(F a) {
        return _mm256_cvtph_ps(_mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    GMAT_QUANT_INLINE static void store_fp16(uint16_t *dst, F a) {
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst), _mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    GMAT_QUANT_INLINE static uint16_t to_fp16(float f) {
        return uint16_t(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    GMAT_QUANT_INLINE static float from_fp16(uint16_t h) { return _cvtsh_ss(h); }

    // 32 integral lanes in [-128, 127] (or [0, 255]) as bytes, in lane order.
    GMAT_QUANT_INLINE static __m256i bytes32(const F (&l)[4]) {
        const __m256i a = _mm256_cvtps_epi32(l[0]), b = _mm256_cvtps_epi32(l[1]);
        const __m256i c = _mm256_cvtps_epi32(l[2]), d = _mm256_cvtps_epi32(l[3]);
        // packs interleave 128-bit halves: a0 b0 a1 b1 / c0 d0 c1 d1 -> a0 b0 c0 d0 a1 b1 c1 d1
        const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
        const __m256i bytes = _mm256_packus_epi16(_mm256_and_si256(ab, _mm256_set1_epi16(0xff)),
                                                  _mm256_and_si256(cd, _mm256_set1_epi16(0xff)));
        return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    }
    GMAT_QUANT_INLINE static void store_bytes32(const F (&l)[4], uint8_t *dst) {
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), bytes32(l));
    }
    GMAT_QUANT_INLINE static void store_nibbles32(const F (&l)[4], uint8_t *qs) {
        const __m256i bytes = _mm256_and_si256(bytes32(l), _mm256_set1_epi8(0x0f));
        const __m128i lo = _mm256_castsi256_si128(bytes), hi = _mm256_extracti128_si256(bytes, 1);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(qs), _mm_or_si128(lo, _mm_slli_epi16(hi, 4)));
    }
    GMAT_QUANT_INLINE static uint32_t bit4_mask32(const F (&l)[4]) {
        return uint32_t(_mm256_movemask_epi8(_mm256_slli_epi16(bytes32(l), 3)));
    }
    GMAT_QUANT_INLINE static void load_nibbles32(const uint8_t *qs, F (&codes)[4]) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(qs));
        const __m128i mask = _mm_set1_epi8(0x0f);
        const __m128i lo = _mm_and_si128(bytes, mask), hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
        codes[0] = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo));
        codes[1] = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
        codes[2] = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi));
        codes[3] = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
    }
    GMAT_QUANT_INLINE static M bit_lanes(uint32_t bits) {
        const __m256i lane_bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
        const __m256i set = _mm256_and_si256(_mm256_set1_epi32(int(bits)), lane_bits);
        return _mm256_castsi256_ps(_mm256_cmpeq_epi32(set, lane_bits));
    }
    GMAT_QUANT_INLINE static F load_u8(const uint8_t *p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(p))));
    }
    GMAT_QUANT_INLINE static F load_i8(const uint8_t *p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(p))));
    }
};

} // namespace gmat::quant
