// Scale search for q3_k and q6_k (x^ = d*c*l, l in [-L, L-1], see README.md
// "Symmetric types"):
//   1. per sub-block, a grid of inverse scales mapping the largest magnitude
//      to the long (-L) or the short (L-1) end; least-squares scale per grid
//      point; keep the best;
//   2. an fp16 super-block scale d fit to those scales
//      (superblock_scale_fit.hpp) and integer codes by rounding s/d;
//   3. exact descent over neighbouring codes (symmetric_trellis.hpp).
// This file holds step 1 and the shared least-squares pieces.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../kquant_formats.hpp"
#include "lane_group.hpp"
#include "recipes.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

struct SymmetricSums {
    F8 wll; // sum of w*l*l
    F8 wxl; // sum of w*x*l
};

template <int N>
static inline SymmetricSums symmetric_sums(const LaneGroup<N> &g, const F8 *levels) {
    const F8 wl0 = g.w[0] * levels[0];
    SymmetricSums s{wl0 * levels[0], wl0 * g.x[0]};
    for (int i = 1; i < N; ++i) {
        const F8 wl = g.w[i] * levels[i];
        s.wll = s.wll + wl * levels[i];
        s.wxl = s.wxl + wl * g.x[i];
    }
    return s;
}

// sum w (s l - x)^2 - sum w x^2.
static inline F8 symmetric_error(const SymmetricSums &l, F8 s) { return s * (s * l.wll - splat(2.0f) * l.wxl); }

static inline F8 symmetric_fit(const SymmetricSums &l) {
    const F8 zero = splat(0.0f);
    const auto ok = l.wll > zero;
    return select(ok, l.wxl / select(ok, l.wll, splat(1.0f)), zero);
}

// The value of largest magnitude of each lane (the first one on ties).
template <int N>
static inline F8 signed_extreme(const F8 *x) {
    F8 best = x[0], best_abs = abs(x[0]);
    for (int i = 1; i < N; ++i) {
        const F8 a = abs(x[i]);
        const auto bigger = a > best_abs;
        best = select(bigger, x[i], best);
        best_abs = select(bigger, a, best_abs);
    }
    return best;
}

// A sub-block's best scale and the curvature of its error there: moving the
// scale to s' while keeping the levels adds h (s' - s)^2, h = sum w l^2.
struct SymmetricFit {
    F8 s, h;
};

template <int N>
static inline void symmetric_try(const LaneGroup<N> &g, F8 inv, F8 lo, F8 hi, SymmetricFit &best, F8 &best_err) {
    F8 levels[N];
    for (int i = 0; i < N; ++i) levels[i] = clamp_round(g.x[i] * inv, lo, hi);
    const SymmetricSums sums = symmetric_sums<N>(g, levels);
    const F8 s = symmetric_fit(sums);
    const F8 err = symmetric_error(sums, s);
    const auto better = err < best_err;
    best_err = select(better, err, best_err);
    best.s = select(better, s, best.s);
    best.h = select(better, sums.wll, best.h);
}

// Step 1 for eight sub-blocks.
template <int N>
static inline SymmetricFit search_symmetric_scale(const LaneGroup<N> &g, int neg_levels, SymmetricGrid grid) {
    const F8 zero = splat(0.0f);
    const F8 lo = splat(-float(neg_levels)), hi = splat(float(neg_levels - 1));
    const F8 extreme = signed_extreme<N>(g.x);
    const auto has_extreme = extreme != zero;
    const F8 safe_extreme = select(has_extreme, extreme, splat(1.0f));
    SymmetricFit best{zero, zero};
    F8 best_err = zero;
    for (int k = 0; k < grid.long_count; ++k) {
        const F8 inv = select(has_extreme, splat(-(float(neg_levels) + grid.long_first + grid.step * float(k))) / safe_extreme, zero);
        symmetric_try<N>(g, inv, lo, hi, best, best_err);
    }
    for (int k = 0; k < grid.short_count; ++k) {
        const F8 inv = select(has_extreme, splat(float(neg_levels - 1) + grid.short_first + grid.step * float(k)) / safe_extreme, zero);
        symmetric_try<N>(g, inv, lo, hi, best, best_err);
    }
    return best;
}

// Levels nearest to x for the reconstruction scale*l.
template <int N>
static inline void symmetric_levels_for(const LaneGroup<N> &g, F8 scale, int neg_levels, F8 *levels) {
    const F8 zero = splat(0.0f);
    const auto has_scale = scale != zero;
    const F8 inv = select(has_scale, splat(1.0f) / select(has_scale, scale, splat(1.0f)), zero);
    const F8 lo = splat(-float(neg_levels)), hi = splat(float(neg_levels - 1));
    for (int i = 0; i < N; ++i) levels[i] = clamp_round(g.x[i] * inv, lo, hi);
}

} // namespace gmat::kquants::GMAT_KQ_ISA
