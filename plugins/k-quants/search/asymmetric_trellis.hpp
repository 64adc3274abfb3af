// The exact searches of q2_k, q4_k and q5_k (README.md "Trellis"): with the
// fp16 super-block scales fixed, each sub-block walks to the best of its
// neighbouring (scale code, min code) pairs, scoring every pair by the exact
// cost of the levels it rounds to (the standard strategy's exact steps); the
// trellis stage also refits d and dmin by least squares for the chosen codes
// and levels and tries nearby values, walking again after each change.
//
// Cost of a sub-block: sum w e^2 + lambda * (sum w e)^2 / sum w, e = x^ - x,
// i.e. the mean (DC) part of the error weighs 1 + lambda times its spread.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "asymmetric_codes.hpp"
#include "asymmetric_search.hpp"
#include "recipes.hpp"

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

// How many scale codes either side the valley scan tries.
inline constexpr int kValleyRadius = 2;

// One move along the valley of the cost: scale codes sc-radius..sc+radius,
// each with the min code that keeps the sub-block's mean (offset follows
// scale times the mean level) and its two neighbours.
template <int N>
static inline F8 scan_asymmetric_codes(const LaneGroup<N> &g, float max_level, float max_code, F8 d, F8 dmin,
                                       F8 bias_weight, int radius, F8 &sc, F8 &mc, F8 cost) {
    const F8 zero = splat(0.0f), top = splat(max_code);
    F8 levels[N];
    levels_for<N>(g, d * sc, dmin * mc, max_level, levels);
    F8 wl = zero, w = zero;
    for (int i = 0; i < N; ++i) {
        wl = wl + g.w[i] * levels[i];
        w = w + g.w[i];
    }
    const F8 mean_level = select(w > zero, wl / select(w > zero, w, splat(1.0f)), zero);
    const F8 safe_dmin = select(dmin > zero, dmin, splat(1.0f));
    const F8 sc0 = sc, offset0 = dmin * mc;
    F8 best_sc = sc, best_mc = mc;
    for (int ds = -radius; ds <= radius; ++ds) {
        const F8 sc_try = min(max(sc0 + splat(float(ds)), zero), top);
        const F8 offset = offset0 + d * (sc_try - sc0) * mean_level;
        const F8 mc_center = select(dmin > zero, clamp_round(offset / safe_dmin, zero, top), zero);
        for (int dm = -1; dm <= 1; ++dm) {
            if (ds == 0 && dm == 0) continue;
            const F8 mc_try = min(max(mc_center + splat(float(dm)), zero), top);
            const F8 c = asymmetric_cost<N>(g, d * sc_try, dmin * mc_try, max_level, bias_weight);
            const auto better = c < cost;
            cost = select(better, c, cost);
            best_sc = select(better, sc_try, best_sc);
            best_mc = select(better, mc_try, best_mc);
        }
    }
    sc = best_sc;
    mc = best_mc;
    return cost;
}

// Moves each lane's codes to the best of the 8 neighbouring pairs until none
// is better or `steps` moves were made, from codes whose cost is `cost`.
// Returns the lanes' final costs.
template <int N>
static inline F8 descend_asymmetric_codes(const LaneGroup<N> &g, float max_level, float max_code, F8 d, F8 dmin,
                                          F8 bias_weight, int steps, F8 &sc, F8 &mc, F8 cost) {
    const F8 zero = splat(0.0f), top = splat(max_code);
    if (steps < 0) {
        // Negative steps: -steps rounds of the wider valley scan.
        for (int round = 0; round < -steps; ++round) {
            const F8 before = cost;
            cost = scan_asymmetric_codes<N>(g, max_level, max_code, d, dmin, bias_weight, kValleyRadius, sc, mc, cost);
            if (!any(cost < before)) break;
        }
        return cost;
    }
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

// The same, from the cost of the codes as they are.
template <int N>
static inline F8 descend_asymmetric_codes(const LaneGroup<N> &g, float max_level, float max_code, F8 d, F8 dmin,
                                          F8 bias_weight, int steps, F8 &sc, F8 &mc) {
    return descend_asymmetric_codes<N>(g, max_level, max_code, d, dmin, bias_weight, steps, sc, mc,
                                       asymmetric_cost<N>(g, d * sc, dmin * mc, max_level, bias_weight));
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

// The trellis stage over one super-block: walks, scale refits, scale trials.
template <int N, int Groups>
class AsymmetricTrellis {
public:
    AsymmetricTrellis(const LaneGroup<N> *groups, const ValueSums *sums, const AsymmetricRecipe &recipe, float lambda)
        : groups_(groups), recipe_(recipe), max_level_(float(recipe.format.max_level)),
          max_code_(float(recipe.format.max_code)) {
        const F8 zero = splat(0.0f);
        for (int gi = 0; gi < Groups; ++gi)
            bias_weight_[gi] = select(sums[gi].w > zero, splat(lambda) / select(sums[gi].w > zero, sums[gi].w, splat(1.0f)), zero);
    }

    void run(AsymmetricCodes<Groups> &codes) {
        float cost = walk(codes);
        for (int r = 0; r < recipe_.trellis.scale_refits; ++r)
            if (!refit_scales(codes, cost)) break;
        try_scales(codes, cost, false);
        try_scales(codes, cost, true);
    }

private:
    // Walks every sub-block's codes downhill; returns the super-block's cost.
    float walk(AsymmetricCodes<Groups> &c) const {
        const F8 d = splat(fp16_to_fp32(c.d)), dmin = splat(fp16_to_fp32(c.dmin));
        F8 total = splat(0.0f);
        for (int gi = 0; gi < Groups; ++gi)
            total = total + descend_asymmetric_codes<N>(groups_[gi], max_level_, max_code_, d, dmin, bias_weight_[gi],
                                                        recipe_.trellis.descent_steps, c.sc[gi], c.mc[gi]);
        return horizontal_sum(total);
    }

    // codes with new fp16 scales, each sub-block's (scale, min) re-expressed in them and walked.
    float rescaled(const AsymmetricCodes<Groups> &from, uint16_t d_bits, uint16_t dmin_bits,
                   AsymmetricCodes<Groups> &out) const {
        const F8 d = splat(fp16_to_fp32(from.d)), dmin = splat(fp16_to_fp32(from.dmin));
        const F8 nd = splat(fp16_to_fp32(d_bits)), ndmin = splat(fp16_to_fp32(dmin_bits));
        out.d = d_bits;
        out.dmin = dmin_bits;
        for (int gi = 0; gi < Groups; ++gi)
            nearest_codes(d * from.sc[gi], dmin * from.mc[gi], nd, ndmin, max_code_, out.sc[gi], out.mc[gi]);
        return walk(out);
    }

    // Least-squares d, dmin for the current codes and levels; false once it stops paying.
    bool refit_scales(AsymmetricCodes<Groups> &codes, float &cost) const {
        const F8 d = splat(fp16_to_fp32(codes.d)), dmin = splat(fp16_to_fp32(codes.dmin)), zero = splat(0.0f);
        ScaleRefitSums s{zero, zero, zero, zero, zero};
        for (int gi = 0; gi < Groups; ++gi)
            accumulate_scale_refit<N>(groups_[gi], d, dmin, codes.sc[gi], codes.mc[gi], max_level_, s);
        float new_d, new_dmin;
        if (!solve_scale_refit(s, new_d, new_dmin)) return false;
        const uint16_t d_bits = saturated_scale_bits(new_d), dmin_bits = saturated_scale_bits(new_dmin);
        if (d_bits == codes.d && dmin_bits == codes.dmin) return false;
        AsymmetricCodes<Groups> trial;
        const float trial_cost = rescaled(codes, d_bits, dmin_bits, trial);
        if (!(trial_cost < cost)) return false;
        cost = trial_cost;
        codes = trial;
        return true;
    }

    // d (or dmin) at (1 +- k * trial_step) times its current value; keeps the cheapest.
    void try_scales(AsymmetricCodes<Groups> &codes, float &cost, bool trying_dmin) const {
        const AsymmetricCodes<Groups> start = codes;
        for (int k = -recipe_.trellis.scale_trials; k <= recipe_.trellis.scale_trials; ++k) {
            const float factor = 1.0f + recipe_.trellis.trial_step * float(k);
            const uint16_t d_bits = trying_dmin ? start.d : saturated_scale_bits(fp16_to_fp32(start.d) * factor);
            const uint16_t dmin_bits = trying_dmin ? saturated_scale_bits(fp16_to_fp32(start.dmin) * factor) : start.dmin;
            if (d_bits == start.d && dmin_bits == start.dmin) continue;
            AsymmetricCodes<Groups> trial;
            const float trial_cost = rescaled(start, d_bits, dmin_bits, trial);
            if (trial_cost < cost) {
                cost = trial_cost;
                codes = trial;
            }
        }
    }

    const LaneGroup<N> *groups_;
    const AsymmetricRecipe &recipe_;
    float max_level_, max_code_;
    F8 bias_weight_[Groups];
};

} // namespace gmat::kquants::GMAT_KQ_ISA
