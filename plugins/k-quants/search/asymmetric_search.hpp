// Scale search for q2_k, q4_k and q5_k (x^ = d*sc*l - dmin*mc, see
// README.md "Asymmetric types"):
//   1. per sub-block, a grid of inverse scales; each grid point rounds the
//      values to levels and fits (s, m) by least squares; keep the best fit;
//   2. fp16 super-block scales d, dmin from the largest s and m;
//   3. integer codes by rounding s/d and m/dmin;
//   4. refinement rounds: levels from the codes, least-squares (s, m) for
//      those levels, and the best of the neighbouring code pairs;
//   5. exact descent over neighbouring code pairs (asymmetric_trellis.hpp).
// Steps 4 and 5 only keep a change that lowers the weighted error. This file
// holds steps 1 and 4.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "asymmetric_fit.hpp"
#include "recipes.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Step 1 for eight sub-blocks: the best least-squares (s, m) over the grid.
template <int N>
static inline void search_scale_min(const LaneGroup<N> &g, const ValueSums &v, float max_level, ScaleGrid grid,
                                    F8 &best_s, F8 &best_m) {
    const F8 zero = splat(0.0f);
    const F8 top = splat(max_level);
    const F8 lo = min(lane_min<N>(g.x), zero);
    const F8 range = lane_max<N>(g.x) - lo;
    const auto has_range = range > zero;
    const F8 safe_range = select(has_range, range, splat(1.0f));

    F8 shifted[N];
    for (int i = 0; i < N; ++i) shifted[i] = g.x[i] - lo;

    // Start from "all levels zero": a constant block is exactly its offset.
    best_s = zero;
    best_m = zero - lo;
    const LevelSums none{zero, zero, zero};
    F8 best_err = fit_error(v, none, best_s, best_m);

    F8 levels[N];
    for (int k = 0; k <= grid.steps; ++k) {
        const F8 inv = select(has_range, splat(max_level + grid.first + grid.step * float(k)) / safe_range, zero);
        for (int i = 0; i < N; ++i) levels[i] = clamp_round(shifted[i] * inv, zero, top);
        const LevelSums l = level_sums<N>(g, levels);
        F8 s, m;
        fit_scale_min(v, l, s, m);
        const F8 err = fit_error(v, l, s, m);
        const auto better = err < best_err;
        best_err = select(better, err, best_err);
        best_s = select(better, s, best_s);
        best_m = select(better, m, best_m);
    }
}

// Levels nearest to x for the reconstruction scale*l - offset (all zero without a scale).
template <int N>
static inline void levels_for(const LaneGroup<N> &g, F8 scale, F8 offset, float max_level, F8 *levels) {
    const F8 zero = splat(0.0f);
    const auto has_scale = scale > zero;
    const F8 inv = select(has_scale, splat(1.0f) / select(has_scale, scale, splat(1.0f)), zero);
    const F8 top = splat(max_level);
    for (int i = 0; i < N; ++i) levels[i] = clamp_round((g.x[i] + offset) * inv, zero, top);
}

// Step 4 for eight sub-blocks: returns updated codes (as floats), never worse than the input codes.
template <int N>
static inline void refine_codes(const LaneGroup<N> &g, const ValueSums &v, float max_level, float max_code, F8 d,
                                F8 dmin, F8 &sc, F8 &mc) {
    const F8 zero = splat(0.0f);
    const F8 one = splat(1.0f);
    const F8 top = splat(max_code);
    F8 levels[N];
    levels_for<N>(g, d * sc, dmin * mc, max_level, levels);
    const LevelSums l = level_sums<N>(g, levels);
    F8 s, m;
    fit_scale_min(v, l, s, m);
    const F8 safe_d = select(d > zero, d, one);
    const F8 safe_dmin = select(dmin > zero, dmin, one);
    const F8 sc_near = select(d > zero, clamp_round(s / safe_d, zero, top), zero);
    const F8 mc_near = select(dmin > zero, clamp_round(m / safe_dmin, zero, top), zero);

    F8 best_err = fit_error(v, l, d * sc, dmin * mc);
    F8 best_sc = sc, best_mc = mc;
    for (int ds = -1; ds <= 1; ++ds) {
        const F8 sc_try = min(max(sc_near + splat(float(ds)), zero), top);
        for (int dm = -1; dm <= 1; ++dm) {
            const F8 mc_try = min(max(mc_near + splat(float(dm)), zero), top);
            const F8 err = fit_error(v, l, d * sc_try, dmin * mc_try);
            const auto better = err < best_err;
            best_err = select(better, err, best_err);
            best_sc = select(better, sc_try, best_sc);
            best_mc = select(better, mc_try, best_mc);
        }
    }
    sc = best_sc;
    mc = best_mc;
}

} // namespace gmat::kquants::GMAT_KQ_ISA
