// Scale search for q3_k and q6_k (x^ = d*c*l, l in [-L, L-1], see README.md
// "Symmetric types"):
//   1. per sub-block, a grid of inverse scales mapping the largest magnitude
//      to the long (-L) or the short (L-1) end; least-squares scale per grid
//      point; keep the best;
//   2. an fp16 super-block scale d putting the largest scale at code -C;
//   3. integer codes by rounding s/d;
//   4. refinement rounds: levels from the codes, least-squares scale for
//      those levels, and the best of the neighbouring codes.
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

template <int N>
static inline void symmetric_try(const LaneGroup<N> &g, F8 inv, F8 lo, F8 hi, F8 &best_s, F8 &best_err) {
    F8 levels[N];
    for (int i = 0; i < N; ++i) levels[i] = clamp_round(g.x[i] * inv, lo, hi);
    const SymmetricSums sums = symmetric_sums<N>(g, levels);
    const F8 s = symmetric_fit(sums);
    const F8 err = symmetric_error(sums, s);
    const auto better = err < best_err;
    best_err = select(better, err, best_err);
    best_s = select(better, s, best_s);
}

// Step 1 for eight sub-blocks.
template <int N>
static inline F8 search_symmetric_scale(const LaneGroup<N> &g, int neg_levels, SymmetricGrid grid) {
    const F8 zero = splat(0.0f);
    const F8 lo = splat(-float(neg_levels)), hi = splat(float(neg_levels - 1));
    const F8 extreme = signed_extreme<N>(g.x);
    const auto has_extreme = extreme != zero;
    const F8 safe_extreme = select(has_extreme, extreme, splat(1.0f));
    F8 best_s = zero, best_err = zero;
    for (int k = 0; k <= grid.long_steps; ++k) {
        const F8 inv = select(has_extreme, splat(-(float(neg_levels) + grid.long_first + grid.step * float(k))) / safe_extreme, zero);
        symmetric_try<N>(g, inv, lo, hi, best_s, best_err);
    }
    for (int k = 0; k <= grid.short_steps; ++k) {
        const F8 inv = select(has_extreme, splat(float(neg_levels - 1) + grid.short_first + grid.step * float(k)) / safe_extreme, zero);
        symmetric_try<N>(g, inv, lo, hi, best_s, best_err);
    }
    return best_s;
}

// Levels nearest to x for the reconstruction scale*l.
template <int N>
static inline void symmetric_levels_for(const LaneGroup<N> &g, F8 scale, int neg_levels, F8 *levels) {
    const F8 zero = splat(0.0f);
    const auto has_scale = scale != zero;
    const F8 safe_scale = select(has_scale, scale, splat(1.0f));
    const F8 lo = select(has_scale, splat(-float(neg_levels)), zero);
    const F8 hi = select(has_scale, splat(float(neg_levels - 1)), zero);
    for (int i = 0; i < N; ++i) levels[i] = clamp_round(g.x[i] / safe_scale, lo, hi);
}

// Step 4 for eight sub-blocks: an updated code per lane, never worse than the input code.
template <int N>
static inline F8 refine_symmetric_code(const LaneGroup<N> &g, int neg_levels, int neg_codes, F8 d, F8 code) {
    const F8 zero = splat(0.0f);
    const F8 lo = splat(-float(neg_codes)), hi = splat(float(neg_codes - 1));
    F8 levels[N];
    symmetric_levels_for<N>(g, d * code, neg_levels, levels);
    const SymmetricSums sums = symmetric_sums<N>(g, levels);
    const F8 s = symmetric_fit(sums);
    const auto has_d = d != zero;
    const F8 near = select(has_d, clamp_round(s / select(has_d, d, splat(1.0f)), lo, hi), zero);
    F8 best_code = code, best_err = symmetric_error(sums, d * code);
    for (int delta = -1; delta <= 1; ++delta) {
        const F8 c = min(max(near + splat(float(delta)), lo), hi);
        const F8 err = symmetric_error(sums, d * c);
        const auto better = err < best_err;
        best_err = select(better, err, best_err);
        best_code = select(better, c, best_code);
    }
    return best_code;
}

} // namespace gmat::kquants::GMAT_KQ_ISA
