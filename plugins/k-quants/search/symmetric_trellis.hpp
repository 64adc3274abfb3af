// The trellis stage of q3_k and q6_k (README.md "Trellis"): with the fp16
// super-block scale fixed, each sub-block walks to the better neighbouring
// scale code while the exact cost of its nearest levels drops; then d is
// refit by least squares for the chosen codes and levels, and tried at a few
// nearby values, keeping whatever lowers the total cost.
//
// Cost of a sub-block: sum w e^2 + lambda * (sum w e)^2 / sum w, e = x^ - x.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "recipes.hpp"
#include "symmetric_codes.hpp"
#include "symmetric_search.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

template <int N>
static inline F8 symmetric_cost(const LaneGroup<N> &g, F8 scale, int neg_levels, F8 bias_weight) {
    const F8 zero = splat(0.0f);
    const auto has_scale = scale != zero;
    const F8 inv = select(has_scale, splat(1.0f) / select(has_scale, scale, splat(1.0f)), zero);
    const F8 lo = splat(-float(neg_levels)), hi = splat(float(neg_levels - 1));
    F8 sq = zero, sum = zero;
    for (int i = 0; i < N; ++i) {
        const F8 l = clamp_round(g.x[i] * inv, lo, hi);
        const F8 e = scale * l - g.x[i];
        const F8 we = g.w[i] * e;
        sq = sq + we * e;
        sum = sum + we;
    }
    return sq + bias_weight * sum * sum;
}

// Moves each lane's code to the better neighbour until neither is better or
// `steps` moves were made. Returns the lanes' final costs.
template <int N>
static inline F8 descend_symmetric_codes(const LaneGroup<N> &g, int neg_levels, int neg_codes, F8 d, F8 bias_weight,
                                         int steps, F8 &code) {
    const F8 lo = splat(-float(neg_codes)), hi = splat(float(neg_codes - 1));
    if (steps < 0) return scan_symmetric_codes<N>(g, neg_levels, neg_codes, d, bias_weight, -steps, code);
    F8 cost = symmetric_cost<N>(g, d * code, neg_levels, bias_weight);
    for (int step = 0; step < steps; ++step) {
        F8 best_cost = cost, best_code = code;
        for (int delta = -1; delta <= 1; delta += 2) {
            const F8 c = min(max(code + splat(float(delta)), lo), hi);
            const F8 trial = symmetric_cost<N>(g, d * c, neg_levels, bias_weight);
            const auto better = trial < best_cost;
            best_cost = select(better, trial, best_cost);
            best_code = select(better, c, best_code);
        }
        const auto moved = best_cost < cost;
        cost = best_cost;
        code = best_code;
        if (!any(moved)) break;
    }
    return cost;
}

// Tries every code within `radius` of each lane's code; keeps the cheapest.
template <int N>
static inline F8 scan_symmetric_codes(const LaneGroup<N> &g, int neg_levels, int neg_codes, F8 d, F8 bias_weight,
                                      int radius, F8 &code) {
    const F8 lo = splat(-float(neg_codes)), hi = splat(float(neg_codes - 1));
    const F8 center = code;
    F8 cost = symmetric_cost<N>(g, d * code, neg_levels, bias_weight);
    for (int delta = -radius; delta <= radius; ++delta) {
        if (delta == 0) continue;
        const F8 c = min(max(center + splat(float(delta)), lo), hi);
        const F8 trial = symmetric_cost<N>(g, d * c, neg_levels, bias_weight);
        const auto better = trial < cost;
        cost = select(better, trial, cost);
        code = select(better, c, code);
    }
    return cost;
}

// Sums for the least-squares d of x^ = d * (code * l) over all lanes.
struct SymmetricRefitSums {
    F8 aa, ax;
};

template <int N>
static inline void accumulate_symmetric_refit(const LaneGroup<N> &g, F8 d, F8 code, int neg_levels,
                                              SymmetricRefitSums &s) {
    F8 levels[N];
    symmetric_levels_for<N>(g, d * code, neg_levels, levels);
    for (int i = 0; i < N; ++i) {
        const F8 a = code * levels[i];
        const F8 wa = g.w[i] * a;
        s.aa = s.aa + wa * a;
        s.ax = s.ax + wa * g.x[i];
    }
}

// The trellis stage over one super-block: walks, scale refits, scale trials.
template <int N, int Groups>
class SymmetricTrellis {
public:
    SymmetricTrellis(const LaneGroup<N> *groups, const SymmetricRecipe &recipe, float lambda)
        : groups_(groups), recipe_(recipe) {
        const F8 zero = splat(0.0f);
        for (int gi = 0; gi < Groups; ++gi) {
            const F8 sum_w = lane_sum<N>(groups[gi].w);
            bias_weight_[gi] = select(sum_w > zero, splat(lambda) / select(sum_w > zero, sum_w, splat(1.0f)), zero);
        }
    }

    void run(SymmetricCodes<Groups> &codes) {
        float cost = walk(codes);
        for (int r = 0; r < recipe_.trellis.scale_refits; ++r)
            if (!refit_scale(codes, cost)) break;
        try_scales(codes, cost);
    }

private:
    // Walks every sub-block's code downhill; returns the super-block's cost.
    float walk(SymmetricCodes<Groups> &c) const {
        const F8 d = splat(fp16_to_fp32(c.d));
        F8 total = splat(0.0f);
        for (int gi = 0; gi < Groups; ++gi)
            total = total + descend_symmetric_codes<N>(groups_[gi], recipe_.format.neg_levels, recipe_.format.neg_codes, d,
                                                       bias_weight_[gi], recipe_.trellis.descent_steps, c.code[gi]);
        return horizontal_sum(total);
    }

    // from's scales (d * code) re-expressed with a new d, then walked.
    float rescaled(const SymmetricCodes<Groups> &from, uint16_t d_bits, SymmetricCodes<Groups> &out) const {
        const F8 d = splat(fp16_to_fp32(from.d)), nd = splat(fp16_to_fp32(d_bits));
        out.d = d_bits;
        for (int gi = 0; gi < Groups; ++gi)
            out.code[gi] = nearest_symmetric_code(d * from.code[gi], nd, recipe_.format.neg_codes);
        return walk(out);
    }

    // Least-squares d for the current codes and levels; false once it stops paying.
    bool refit_scale(SymmetricCodes<Groups> &codes, float &cost) const {
        const F8 d = splat(fp16_to_fp32(codes.d));
        SymmetricRefitSums s{splat(0.0f), splat(0.0f)};
        for (int gi = 0; gi < Groups; ++gi)
            accumulate_symmetric_refit<N>(groups_[gi], d, codes.code[gi], recipe_.format.neg_levels, s);
        const float aa = horizontal_sum(s.aa), ax = horizontal_sum(s.ax);
        if (!(aa > 0.0f) || ax == 0.0f) return false;
        const uint16_t d_bits = signed_scale_bits(ax / aa);
        if (d_bits == codes.d) return false;
        SymmetricCodes<Groups> trial;
        const float trial_cost = rescaled(codes, d_bits, trial);
        if (!(trial_cost < cost)) return false;
        cost = trial_cost;
        codes = trial;
        return true;
    }

    // d at (1 +- k * trial_step) times its current value; keeps the cheapest.
    void try_scales(SymmetricCodes<Groups> &codes, float &cost) const {
        const SymmetricCodes<Groups> start = codes;
        for (int k = -recipe_.trellis.scale_trials; k <= recipe_.trellis.scale_trials; ++k) {
            const uint16_t d_bits = signed_scale_bits(fp16_to_fp32(start.d) * (1.0f + recipe_.trellis.trial_step * float(k)));
            if (d_bits == start.d) continue;
            SymmetricCodes<Groups> trial;
            const float trial_cost = rescaled(start, d_bits, trial);
            if (trial_cost < cost) {
                cost = trial_cost;
                codes = trial;
            }
        }
    }

    const LaneGroup<N> *groups_;
    const SymmetricRecipe &recipe_;
    F8 bias_weight_[Groups];
};

} // namespace gmat::kquants::GMAT_KQ_ISA
