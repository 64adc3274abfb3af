// Eight float lanes in one AVX2 register, operation for operation equal to
// lanes_scalar.hpp. Included only by the translation unit built with -mavx2.
#pragma once

#include <immintrin.h>

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

} // namespace gmat::kquants::avx2_isa
