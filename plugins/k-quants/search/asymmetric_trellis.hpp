// The trellis stage of q2_k, q4_k and q5_k (README.md "Trellis"): with the
// fp16 super-block scales fixed, each sub-block walks to the best of its
// neighbouring (scale code, min code) pairs, scoring every pair by the exact
// cost of the levels it rounds to; then d and dmin are refit by least squares
// for the chosen codes and levels and the walk repeats while the cost drops.
//
// Cost of a sub-block: sum w e^2 + lambda * (sum w e)^2 / sum w, e = x^ - x,
// i.e. the mean (DC) part of the error weighs 1 + lambda times its spread.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "asymmetric_search.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Exact cost of reconstructing with scale*l - offset, l the nearest levels.
template <int N>
static inline F8 asymmetric_cost(const LaneGroup<N> &g, F8 scale, F8 offset, float max_level, F8 bias_weight) {
    const F8 zero = splat(0.0f);
    const auto has_scale = scale > zero;
    const F8 inv = select(has_scale, splat(1.0f) / select(has_scale, scale, splat(1.0f)), zero);
    const F8 top = splat(max_level);
    F8 sq = zero, sum = zero;
    for (int i = 0; i < N; ++i) {
        const F8 l = clamp_round((g.x[i] + offset) * inv, zero, top);
        const F8 e = scale * l - offset - g.x[i];
        const F8 we = g.w[i] * e;
        sq = sq + we * e;
        sum = sum + we;
    }
    return sq + bias_weight * sum * sum;
}

// Moves each lane's codes to the best of the 8 neighbouring pairs until none
// is better or `steps` moves were made. Returns the lanes' final costs.
template <int N>
static inline F8 descend_asymmetric_codes(const LaneGroup<N> &g, float max_level, float max_code, F8 d, F8 dmin,
                                          F8 bias_weight, int steps, F8 &sc, F8 &mc) {
    const F8 zero = splat(0.0f), top = splat(max_code);
    F8 cost = asymmetric_cost<N>(g, d * sc, dmin * mc, max_level, bias_weight);
    for (int step = 0; step < steps; ++step) {
        F8 best_cost = cost, best_sc = sc, best_mc = mc;
        for (int ds = -1; ds <= 1; ++ds) {
            for (int dm = -1; dm <= 1; ++dm) {
                if (ds == 0 && dm == 0) continue;
                const F8 sc_try = min(max(sc + splat(float(ds)), zero), top);
                const F8 mc_try = min(max(mc + splat(float(dm)), zero), top);
                const F8 c = asymmetric_cost<N>(g, d * sc_try, dmin * mc_try, max_level, bias_weight);
                const auto better = c < best_cost;
                best_cost = select(better, c, best_cost);
                best_sc = select(better, sc_try, best_sc);
                best_mc = select(better, mc_try, best_mc);
            }
        }
        const auto moved = best_cost < cost;
        cost = best_cost;
        sc = best_sc;
        mc = best_mc;
        if (!any(moved)) break;
    }
    return cost;
}

// Sums for the least-squares (d, dmin) of x^ = d*(sc*l) - dmin*mc over all lanes.
struct ScaleRefitSums {
    F8 aa, ab, bb, ax, bx;
};

template <int N>
static inline void accumulate_scale_refit(const LaneGroup<N> &g, F8 d, F8 dmin, F8 sc, F8 mc, float max_level,
                                          ScaleRefitSums &s) {
    F8 levels[N];
    levels_for<N>(g, d * sc, dmin * mc, max_level, levels);
    for (int i = 0; i < N; ++i) {
        const F8 a = sc * levels[i];
        const F8 wa = g.w[i] * a, wb = g.w[i] * mc;
        s.aa = s.aa + wa * a;
        s.ab = s.ab + wa * mc;
        s.bb = s.bb + wb * mc;
        s.ax = s.ax + wa * g.x[i];
        s.bx = s.bx + wb * g.x[i];
    }
}

static inline float horizontal_sum(F8 v) {
    alignas(32) float lanes[8];
    store(lanes, v);
    float s = 0.0f;
    for (float l : lanes) s += l;
    return s;
}

// Least-squares d, dmin >= 0 for the accumulated sums (false if degenerate).
static inline bool solve_scale_refit(const ScaleRefitSums &s, float &d, float &dmin) {
    const double aa = horizontal_sum(s.aa), ab = horizontal_sum(s.ab), bb = horizontal_sum(s.bb);
    const double ax = horizontal_sum(s.ax), bx = horizontal_sum(s.bx);
    // minimise sum w (d a - dmin b - x)^2: [aa -ab; ab -bb] [d; dmin] = [ax; bx]
    const double det = ab * ab - aa * bb;
    if (bb > 0.0 && det != 0.0) {
        d = float((ab * bx - bb * ax) / det);
        dmin = float((aa * bx - ab * ax) / det);
        if (d > 0.0f && dmin >= 0.0f) return true;
    }
    if (aa <= 0.0) return false;
    d = float(ax / aa);
    dmin = 0.0f;
    return d > 0.0f;
}

} // namespace gmat::kquants::GMAT_KQ_ISA
