// Eight sub-blocks side by side, one per lane: element i of the group is the
// vector whose lane j holds element i of sub-block j. The searches work on
// all eight sub-blocks at once with no horizontal operations.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include <cstdint>

#ifndef GMAT_KQ_ISA
#error "define GMAT_KQ_ISA and include a lanes header before search headers"
#endif

namespace gmat::kquants::GMAT_KQ_ISA {

template <int N>
struct LaneGroup {
    F8 x[N]; // values
    F8 w[N]; // error weights, >= 0
};

// Element i of sub-blocks first..first+7 (each N long) of src, for i < N.
template <int N>
static inline void load_transposed(const float *src, int first, F8 *out) {
    for (int c = 0; c < N; c += 8) load_8x8_transposed(src + first * N + c, N, out + c);
}

// Inverse of load_transposed for lanes holding integer levels 0..255.
template <int N>
static inline void store_levels_transposed(const F8 *levels, int first, uint8_t *dst) {
    for (int c = 0; c < N; c += 8) store_8x8_levels_transposed(levels + c, N, dst + first * N + c);
}

template <int N>
static inline F8 lane_min(const F8 *x) {
    F8 m = x[0];
    for (int i = 1; i < N; ++i) m = min(x[i], m);
    return m;
}

template <int N>
static inline F8 lane_max(const F8 *x) {
    F8 m = x[0];
    for (int i = 1; i < N; ++i) m = max(x[i], m);
    return m;
}

template <int N>
static inline F8 lane_sum(const F8 *x) {
    F8 s = x[0];
    for (int i = 1; i < N; ++i) s = s + x[i];
    return s;
}

// Sum of the lanes, in lane order (the same on every path).
static inline float horizontal_sum(F8 v) {
    alignas(32) float lanes[8];
    store(lanes, v);
    float s = 0.0f;
    for (float l : lanes) s += l;
    return s;
}

// round(t) clamped to [lo, hi] (integers); clamping first keeps round_even in range.
static inline F8 clamp_round(F8 t, F8 lo, F8 hi) { return round_even(min(max(t, lo), hi)); }

} // namespace gmat::kquants::GMAT_KQ_ISA
