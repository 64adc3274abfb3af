// Eight float lanes in one AVX2 register, operation for operation equal to
// lanes_scalar.hpp. Included only by the translation unit built with -mavx2.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace gmat::kquants::avx2_isa {

struct F8 {
    __m256 v;
};

struct M8 {
    __m256 v; // all-ones lanes are true
};

inline constexpr const char *kIsaName = "avx2";

static inline F8 splat(float s) { return {_mm256_set1_ps(s)}; }
static inline F8 load(const float *p) { return {_mm256_loadu_ps(p)}; }
static inline void store(float *p, F8 a) { _mm256_storeu_ps(p, a.v); }
static inline F8 operator+(F8 a, F8 b) { return {_mm256_add_ps(a.v, b.v)}; }
static inline F8 operator-(F8 a, F8 b) { return {_mm256_sub_ps(a.v, b.v)}; }
static inline F8 operator*(F8 a, F8 b) { return {_mm256_mul_ps(a.v, b.v)}; }
static inline F8 operator/(F8 a, F8 b) { return {_mm256_div_ps(a.v, b.v)}; }
// vminps/vmaxps return the second operand unless the first is strictly smaller/larger.
static inline F8 min(F8 a, F8 b) { return {_mm256_min_ps(a.v, b.v)}; }
static inline F8 max(F8 a, F8 b) { return {_mm256_max_ps(a.v, b.v)}; }
static inline F8 abs(F8 a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
static inline F8 sqrt(F8 a) { return {_mm256_sqrt_ps(a.v)}; }
static inline F8 round_even(F8 a) {
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    return {_mm256_sub_ps(_mm256_add_ps(a.v, magic), magic)};
}
static inline F8 select(M8 m, F8 if_true, F8 if_false) { return {_mm256_blendv_ps(if_false.v, if_true.v, m.v)}; }

static inline M8 operator<(F8 a, F8 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
static inline M8 operator>(F8 a, F8 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
static inline M8 operator<=(F8 a, F8 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ)}; }
static inline M8 operator!=(F8 a, F8 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_NEQ_UQ)}; }
static inline M8 operator&(M8 a, M8 b) { return {_mm256_and_ps(a.v, b.v)}; }
static inline M8 operator|(M8 a, M8 b) { return {_mm256_or_ps(a.v, b.v)}; }

static inline bool any(M8 m) { return _mm256_movemask_ps(m.v) != 0; }

// The classic unpack/shuffle/permute transpose of eight rows of eight.
static inline void transpose_8x8(__m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 r4, __m256 r5, __m256 r6,
                                 __m256 r7, __m256 *out) {
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    out[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    out[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    out[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    out[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    out[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    out[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    out[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    out[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

// out[i] lane j = src[j * stride + i] for i, j < 8.
static inline void load_8x8_transposed(const float *src, int stride, F8 *out) {
    __m256 t[8];
    transpose_8x8(_mm256_loadu_ps(src), _mm256_loadu_ps(src + stride), _mm256_loadu_ps(src + 2 * stride),
                  _mm256_loadu_ps(src + 3 * stride), _mm256_loadu_ps(src + 4 * stride),
                  _mm256_loadu_ps(src + 5 * stride), _mm256_loadu_ps(src + 6 * stride),
                  _mm256_loadu_ps(src + 7 * stride), t);
    for (int i = 0; i < 8; ++i) out[i].v = t[i];
}

// dst[j * stride + i] = lane j of levels[i] (integers 0..255) for i, j < 8.
static inline void store_8x8_levels_transposed(const F8 *levels, int stride, uint8_t *dst) {
    __m256 t[8];
    transpose_8x8(levels[0].v, levels[1].v, levels[2].v, levels[3].v, levels[4].v, levels[5].v, levels[6].v,
                  levels[7].v, t);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int half = 0; half < 2; ++half) {
        const __m256i a = _mm256_cvtps_epi32(t[4 * half + 0]), b = _mm256_cvtps_epi32(t[4 * half + 1]);
        const __m256i c = _mm256_cvtps_epi32(t[4 * half + 2]), d = _mm256_cvtps_epi32(t[4 * half + 3]);
        // bytes: [a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7] -> rows a, b, c, d of 8 bytes each
        const __m256i bytes = _mm256_packus_epi16(_mm256_packus_epi32(a, b), _mm256_packus_epi32(c, d));
        const __m256i rows = _mm256_permutevar8x32_epi32(bytes, order);
        alignas(32) uint8_t out[32];
        _mm256_store_si256(reinterpret_cast<__m256i *>(out), rows);
        for (int k = 0; k < 4; ++k) std::memcpy(dst + (4 * half + k) * stride, out + 8 * k, 8);
    }
}

} // namespace gmat::kquants::avx2_isa
