// Eight float lanes in plain C++: the reference the AVX2 lanes must match bit
// for bit. Every operation is a single correctly rounded IEEE operation per
// lane (no fused multiply-add, no reassociation), which is what makes the two
// paths agree exactly. Included only by the baseline kernel translation unit.
#pragma once

#include <cmath>
#include <cstdint>

namespace gmat::kquants::scalar_isa {

struct F8 {
    float v[8];
};

// A lane mask: true lanes select the first operand of select().
struct M8 {
    bool v[8];
};

#define GMAT_KQ_LANEWISE(expr) \
    F8 r;                      \
    for (int i = 0; i < 8; ++i) r.v[i] = (expr); \
    return r

inline constexpr const char *kIsaName = "scalar";

static inline F8 splat(float s) { GMAT_KQ_LANEWISE(s); }
static inline F8 load(const float *p) { GMAT_KQ_LANEWISE(p[i]); }
static inline void store(float *p, F8 a) {
    for (int i = 0; i < 8; ++i) p[i] = a.v[i];
}
static inline F8 operator+(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] + b.v[i]); }
static inline F8 operator-(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] - b.v[i]); }
static inline F8 operator*(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] * b.v[i]); }
static inline F8 operator/(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] / b.v[i]); }
// Same NaN/zero behaviour as the x86 min/max instructions: the second operand
// unless the first is strictly smaller (larger).
static inline F8 min(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] < b.v[i] ? a.v[i] : b.v[i]); }
static inline F8 max(F8 a, F8 b) { GMAT_KQ_LANEWISE(a.v[i] > b.v[i] ? a.v[i] : b.v[i]); }
static inline F8 abs(F8 a) { GMAT_KQ_LANEWISE(std::fabs(a.v[i])); }
static inline F8 sqrt(F8 a) { GMAT_KQ_LANEWISE(std::sqrt(a.v[i])); }
// Round half to even for |a| <= 2^22 (callers clamp first), like ggml's nearest_int.
static inline F8 round_even(F8 a) { GMAT_KQ_LANEWISE((a.v[i] + 12582912.0f) - 12582912.0f); }
static inline F8 select(M8 m, F8 if_true, F8 if_false) { GMAT_KQ_LANEWISE(m.v[i] ? if_true.v[i] : if_false.v[i]); }

#undef GMAT_KQ_LANEWISE
#define GMAT_KQ_MASKWISE(expr) \
    M8 r;                      \
    for (int i = 0; i < 8; ++i) r.v[i] = (expr); \
    return r

static inline M8 operator<(F8 a, F8 b) { GMAT_KQ_MASKWISE(a.v[i] < b.v[i]); }
static inline M8 operator>(F8 a, F8 b) { GMAT_KQ_MASKWISE(a.v[i] > b.v[i]); }
static inline M8 operator<=(F8 a, F8 b) { GMAT_KQ_MASKWISE(a.v[i] <= b.v[i]); }
static inline M8 operator!=(F8 a, F8 b) { GMAT_KQ_MASKWISE(a.v[i] != b.v[i]); }
static inline M8 operator&(M8 a, M8 b) { GMAT_KQ_MASKWISE(a.v[i] && b.v[i]); }
static inline M8 operator|(M8 a, M8 b) { GMAT_KQ_MASKWISE(a.v[i] || b.v[i]); }

#undef GMAT_KQ_MASKWISE

static inline bool any(M8 m) {
    bool r = false;
    for (int i = 0; i < 8; ++i) r |= m.v[i];
    return r;
}

// out[i] lane j = src[j * stride + i] for i, j < 8.
static inline void load_8x8_transposed(const float *src, int stride, F8 *out) {
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) out[i].v[j] = src[j * stride + i];
}

// dst[j * stride + i] = lane j of levels[i] (integers 0..255) for i, j < 8.
static inline void store_8x8_levels_transposed(const F8 *levels, int stride, uint8_t *dst) {
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) dst[j * stride + i] = uint8_t(int(levels[i].v[j]));
}

} // namespace gmat::kquants::scalar_isa
