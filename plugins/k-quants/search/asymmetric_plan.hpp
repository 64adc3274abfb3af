// One super-block of q2_k, q4_k or q5_k from values to an AsymmetricPlan.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "asymmetric_search.hpp"
#include "asymmetric_trellis.hpp"
#include "error_weights.hpp"
#include "recipes.hpp"
#include "search_options.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// The fp16 scale for codes up to max_code covering values up to largest
// (rounded up so no code has to exceed max_code; saturates at 65504).
static inline uint16_t superblock_scale(float largest, float max_code) {
    if (!(largest > 0.0f)) return 0;
    const float wanted = largest / max_code;
    return wanted >= kFp16MaxFiniteValue ? kFp16MaxFinite : fp32_to_fp16_not_below(wanted);
}

static inline uint16_t refit_scale_bits(float value) {
    return value >= kFp16MaxFiniteValue ? kFp16MaxFinite : fp32_to_fp16(value);
}

// Codes of one super-block with their fp16 scales.
template <int Groups>
struct AsymmetricCodes {
    uint16_t d = 0, dmin = 0;
    F8 sc[Groups], mc[Groups];
};

// Codes nearest to the per-lane scales s and mins m for the given d, dmin.
static inline void nearest_codes(F8 s, F8 m, F8 d, F8 dmin, float max_code, F8 &sc, F8 &mc) {
    const F8 zero = splat(0.0f), one = splat(1.0f), top = splat(max_code);
    sc = select(d > zero, clamp_round(s / select(d > zero, d, one), zero, top), zero);
    mc = select(dmin > zero, clamp_round(m / select(dmin > zero, dmin, one), zero, top), zero);
}

// The trellis stage (asymmetric_trellis.hpp) over a whole super-block.
template <int N, int Groups>
static inline void trellis_asymmetric(const LaneGroup<N> *groups, const ValueSums *sums, const AsymmetricRecipe &recipe,
                                      float lambda, AsymmetricCodes<Groups> &codes) {
    const float max_level = float(recipe.format.max_level), max_code = float(recipe.format.max_code);
    const int steps = recipe.trellis.descent_steps;
    const F8 zero = splat(0.0f);
    F8 bias_weight[Groups];
    for (int gi = 0; gi < Groups; ++gi)
        bias_weight[gi] = select(sums[gi].w > zero, splat(lambda) / select(sums[gi].w > zero, sums[gi].w, splat(1.0f)), zero);

    auto descend_all = [&](AsymmetricCodes<Groups> &c) {
        const F8 d = splat(fp16_to_fp32(c.d)), dmin = splat(fp16_to_fp32(c.dmin));
        F8 total = zero;
        for (int gi = 0; gi < Groups; ++gi)
            total = total + descend_asymmetric_codes<N>(groups[gi], max_level, max_code, d, dmin, bias_weight[gi], steps,
                                                        c.sc[gi], c.mc[gi]);
        return horizontal_sum(total);
    };

    float best_cost = descend_all(codes);
    for (int r = 0; r < recipe.trellis.scale_refits; ++r) {
        const F8 d = splat(fp16_to_fp32(codes.d)), dmin = splat(fp16_to_fp32(codes.dmin));
        ScaleRefitSums s{zero, zero, zero, zero, zero};
        for (int gi = 0; gi < Groups; ++gi)
            accumulate_scale_refit<N>(groups[gi], d, dmin, codes.sc[gi], codes.mc[gi], max_level, s);
        float new_d, new_dmin;
        if (!solve_scale_refit(s, new_d, new_dmin)) break;
        AsymmetricCodes<Groups> trial;
        trial.d = refit_scale_bits(new_d);
        trial.dmin = refit_scale_bits(new_dmin);
        if (trial.d == codes.d && trial.dmin == codes.dmin) break;
        const F8 td = splat(fp16_to_fp32(trial.d)), tdmin = splat(fp16_to_fp32(trial.dmin));
        for (int gi = 0; gi < Groups; ++gi)
            nearest_codes(d * codes.sc[gi], dmin * codes.mc[gi], td, tdmin, max_code, trial.sc[gi], trial.mc[gi]);
        const float cost = descend_all(trial);
        if (!(cost < best_cost)) break;
        best_cost = cost;
        codes = trial;
    }
    // Multiplicative trials of d, then of dmin, each followed by a descent.
    for (int which = 0; which < 2; ++which) {
        const AsymmetricCodes<Groups> start = codes;
        for (int k = -recipe.trellis.scale_trials; k <= recipe.trellis.scale_trials; ++k) {
            if (k == 0) continue;
            const float factor = 1.0f + recipe.trellis.trial_step * float(k);
            AsymmetricCodes<Groups> trial = start;
            if (which == 0) trial.d = refit_scale_bits(fp16_to_fp32(start.d) * factor);
            else trial.dmin = refit_scale_bits(fp16_to_fp32(start.dmin) * factor);
            if (trial.d == start.d && trial.dmin == start.dmin) continue;
            const F8 d = splat(fp16_to_fp32(start.d)), dmin = splat(fp16_to_fp32(start.dmin));
            const F8 td = splat(fp16_to_fp32(trial.d)), tdmin = splat(fp16_to_fp32(trial.dmin));
            for (int gi = 0; gi < Groups; ++gi)
                nearest_codes(d * start.sc[gi], dmin * start.mc[gi], td, tdmin, max_code, trial.sc[gi], trial.mc[gi]);
            const float cost = descend_all(trial);
            if (cost < best_cost) {
                best_cost = cost;
                codes = trial;
            }
        }
    }
}

template <int N, int Groups>
static inline void plan_asymmetric(const float *x, const SearchOptions &options, const AsymmetricRecipe &recipe,
                                   AsymmetricPlan &plan) {
    const float max_level = float(recipe.format.max_level);
    const float max_code = float(recipe.format.max_code);
    const float sigma2 = options.importance ? recipe.weights.importance_sigma * mean_square(x) : 0.0f;

    LaneGroup<N> groups[Groups];
    ValueSums sums[Groups];
    F8 scales[Groups], mins[Groups];
    float largest_s = 0.0f, largest_m = 0.0f;
    for (int gi = 0; gi < Groups; ++gi) {
        LaneGroup<N> &g = groups[gi];
        load_transposed<N>(x, 8 * gi, g.x);
        compute_weights<N>(g, options.importance, 8 * gi, recipe.weights, sigma2);
        sums[gi] = value_sums<N>(g);
        search_scale_min<N>(g, sums[gi], max_level, recipe.grid, scales[gi], mins[gi]);
        alignas(32) float s[8], m[8];
        store(s, scales[gi]);
        store(m, mins[gi]);
        for (int j = 0; j < 8; ++j) {
            largest_s = s[j] > largest_s ? s[j] : largest_s;
            largest_m = m[j] > largest_m ? m[j] : largest_m;
        }
    }

    AsymmetricCodes<Groups> codes;
    codes.d = superblock_scale(largest_s, max_code);
    codes.dmin = superblock_scale(largest_m, max_code);
    const F8 d = splat(fp16_to_fp32(codes.d)), dmin = splat(fp16_to_fp32(codes.dmin));
    for (int gi = 0; gi < Groups; ++gi) {
        nearest_codes(scales[gi], mins[gi], d, dmin, max_code, codes.sc[gi], codes.mc[gi]);
        for (int r = 0; r < recipe.refine_rounds; ++r)
            refine_codes<N>(groups[gi], sums[gi], max_level, max_code, d, dmin, codes.sc[gi], codes.mc[gi]);
    }
    if (options.trellis && recipe.trellis.enabled)
        trellis_asymmetric<N, Groups>(groups, sums, recipe, options.lambda, codes);

    plan.d = codes.d;
    plan.dmin = codes.dmin;
    const F8 final_d = splat(fp16_to_fp32(codes.d)), final_dmin = splat(fp16_to_fp32(codes.dmin));
    for (int gi = 0; gi < Groups; ++gi) {
        F8 levels[N];
        levels_for<N>(groups[gi], final_d * codes.sc[gi], final_dmin * codes.mc[gi], max_level, levels);
        store_levels_transposed<N>(levels, 8 * gi, plan.levels);
        alignas(32) float sc[8], mc[8];
        store(sc, codes.sc[gi]);
        store(mc, codes.mc[gi]);
        for (int j = 0; j < 8; ++j) {
            plan.scale_codes[8 * gi + j] = uint8_t(int(sc[j]));
            plan.min_codes[8 * gi + j] = uint8_t(int(mc[j]));
        }
    }
}

} // namespace gmat::kquants::GMAT_KQ_ISA
