// Weighted least squares for the asymmetric K types (q2_k, q4_k, q5_k), where
// a sub-block is reconstructed as x^ = s*l - m with s >= 0 and m >= 0. All
// functions work on eight sub-blocks at once (see lane_group.hpp).
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "lane_group.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Sums over a sub-block that do not depend on the levels.
struct ValueSums {
    F8 w;  // sum of w
    F8 wx; // sum of w*x
};

// Sums that do.
struct LevelSums {
    F8 wl;  // sum of w*l
    F8 wll; // sum of w*l*l
    F8 wxl; // sum of w*x*l
};

template <int N>
static inline ValueSums value_sums(const LaneGroup<N> &g) {
    ValueSums s{g.w[0], g.w[0] * g.x[0]};
    for (int i = 1; i < N; ++i) {
        s.w = s.w + g.w[i];
        s.wx = s.wx + g.w[i] * g.x[i];
    }
    return s;
}

template <int N>
static inline LevelSums level_sums(const LaneGroup<N> &g, const F8 *levels) {
    const F8 wl0 = g.w[0] * levels[0];
    LevelSums s{wl0, wl0 * levels[0], wl0 * g.x[0]};
    for (int i = 1; i < N; ++i) {
        const F8 wl = g.w[i] * levels[i];
        s.wl = s.wl + wl;
        s.wll = s.wll + wl * levels[i];
        s.wxl = s.wxl + wl * g.x[i];
    }
    return s;
}

// Weighted squared error of (s, m) minus the constant sum of w*x*x:
// sum w (s l - m - x)^2 - sum w x^2 = s(s*wll - 2wxl) + m(m*w + 2wx - 2s*wl).
static inline F8 fit_error(const ValueSums &v, const LevelSums &l, F8 s, F8 m) {
    const F8 two = splat(2.0f);
    return s * (s * l.wll - two * l.wxl) + m * (m * v.w + two * v.wx - two * s * l.wl);
}

// The (s, m) minimising the weighted error for fixed levels under s, m >= 0.
// The problem is a convex quadratic: if the free optimum breaks m >= 0 the
// answer lies on m = 0, if it breaks s >= 0 on s = 0.
static inline void fit_scale_min(const ValueSums &v, const LevelSums &l, F8 &s, F8 &m) {
    const F8 zero = splat(0.0f);
    const F8 one = splat(1.0f);
    const F8 det = v.w * l.wll - l.wl * l.wl;
    const auto free_ok = det > zero;
    const F8 safe_det = select(free_ok, det, one);
    F8 free_s = (v.w * l.wxl - v.wx * l.wl) / safe_det;
    F8 free_m = (l.wl * l.wxl - l.wll * v.wx) / safe_det;

    const F8 safe_wll = select(l.wll > zero, l.wll, one);
    const F8 edge_s = select(l.wll > zero, max(l.wxl / safe_wll, zero), zero);

    const auto use_free = free_ok & (free_m > zero) & (free_s > zero);
    s = select(use_free, free_s, edge_s);
    m = select(use_free, free_m, zero);
    // All levels equal and the values below zero: only an offset can help.
    const F8 safe_w = select(v.w > zero, v.w, one);
    const F8 offset_only = max(zero - v.wx / safe_w, zero);
    const auto no_scale = (s <= zero) & (v.wx < zero);
    m = select(no_scale, offset_only, m);
}

} // namespace gmat::kquants::GMAT_KQ_ISA
