// One super-block of q2_k, q4_k or q5_k from values to an AsymmetricPlan.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "asymmetric_codes.hpp"
#include "asymmetric_search.hpp"
#include "asymmetric_trellis.hpp"
#include "constant_superblock.hpp"
#include "error_weights.hpp"
#include "recipes.hpp"
#include "search_options.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Codes nearest to the sub-block fits for (d, dmin), refined by the fitted
// error model; sets each group's exact sum w e^2 at those codes (per lane)
// and returns the super-block's.
template <int N, int Groups>
static inline float start_asymmetric_codes(const LaneGroup<N> *groups, const ValueSums *sums, const F8 *scales,
                                           const F8 *mins, const AsymmetricRecipe &recipe, uint16_t d_bits,
                                           uint16_t dmin_bits, AsymmetricCodes<Groups> &codes, F8 *costs) {
    const float max_level = float(recipe.format.max_level), max_code = float(recipe.format.max_code);
    const F8 d = splat(fp16_to_fp32(d_bits)), dmin = splat(fp16_to_fp32(dmin_bits));
    codes.d = d_bits;
    codes.dmin = dmin_bits;
    F8 error = splat(0.0f);
    for (int gi = 0; gi < Groups; ++gi) {
        nearest_codes(scales[gi], mins[gi], d, dmin, max_code, codes.sc[gi], codes.mc[gi]);
        for (int r = 0; r < recipe.refine_rounds; ++r)
            refine_codes<N>(groups[gi], sums[gi], max_level, max_code, d, dmin, codes.sc[gi], codes.mc[gi]);
        costs[gi] = asymmetric_cost<N>(groups[gi], d * codes.sc[gi], dmin * codes.mc[gi], max_level, splat(0.0f));
        error = error + costs[gi];
    }
    return horizontal_sum(error);
}

// The exact descent from a start's codes, whose per-group costs are `costs`
// (the start's d and dmin stay); returns the super-block's sum w e^2 after it.
template <int N, int Groups>
static inline float descend_asymmetric_start(const LaneGroup<N> *groups, const AsymmetricRecipe &recipe,
                                             const F8 *costs, AsymmetricCodes<Groups> &codes) {
    const float max_level = float(recipe.format.max_level), max_code = float(recipe.format.max_code);
    const F8 d = splat(fp16_to_fp32(codes.d)), dmin = splat(fp16_to_fp32(codes.dmin));
    F8 error = splat(0.0f);
    for (int gi = 0; gi < Groups; ++gi)
        error = error + descend_asymmetric_codes<N>(groups[gi], max_level, max_code, d, dmin, splat(0.0f),
                                                    recipe.exact_steps, codes.sc[gi], codes.mc[gi], costs[gi]);
    return horizontal_sum(error);
}

// The values and weights of a super-block in lane groups, and each sub-block's best fit.
template <int N, int Groups>
struct AsymmetricSearch {
    LaneGroup<N> groups[Groups];
    ValueSums sums[Groups];
    F8 scales[Groups], mins[Groups];
    float largest_scale = 0.0f, largest_min = 0.0f;

    AsymmetricSearch(const float *x, const SearchOptions &options, const AsymmetricRecipe &recipe) {
        for (int gi = 0; gi < Groups; ++gi) {
            LaneGroup<N> &g = groups[gi];
            load_transposed<N>(x, 8 * gi, g.x);
            compute_weights<N>(g, options.importance, 8 * gi, options.row_mean_square);
            sums[gi] = value_sums<N>(g);
            search_scale_min<N>(g, sums[gi], float(recipe.format.max_level), recipe.grid, scales[gi], mins[gi]);
            alignas(32) float s[8], m[8];
            store(s, scales[gi]);
            store(m, mins[gi]);
            for (int j = 0; j < 8; ++j) {
                largest_scale = s[j] > largest_scale ? s[j] : largest_scale;
                largest_min = m[j] > largest_min ? m[j] : largest_min;
            }
        }
    }

    // d and dmin give the largest sub-block scale and min the top code; a
    // second start leaves them room to grow (a sub-block whose best fit lies
    // past the top code cannot otherwise reach it). The start with the lower
    // exact error is descended; with recipe.descend_every_start both are,
    // and the lower error after the descent wins.
    AsymmetricCodes<Groups> standard_codes(const AsymmetricRecipe &recipe) const {
        const float top = float(recipe.format.max_code);
        AsymmetricCodes<Groups> codes;
        F8 costs[Groups];
        float error = start_asymmetric_codes<N, Groups>(groups, sums, scales, mins, recipe,
                                                        superblock_scale(largest_scale, top),
                                                        superblock_scale(largest_min, top), codes, costs);
        if (recipe.descend_every_start) error = descend_asymmetric_start<N, Groups>(groups, recipe, costs, codes);
        if (recipe.headroom > 0.0f) {
            const float grow = 1.0f + recipe.headroom;
            AsymmetricCodes<Groups> other;
            F8 other_costs[Groups];
            float other_error = start_asymmetric_codes<N, Groups>(groups, sums, scales, mins, recipe,
                                                                  superblock_scale(largest_scale * grow, top),
                                                                  superblock_scale(largest_min * grow, top), other,
                                                                  other_costs);
            if (recipe.descend_every_start)
                other_error = descend_asymmetric_start<N, Groups>(groups, recipe, other_costs, other);
            if (other_error < error) {
                codes = other;
                for (int gi = 0; gi < Groups; ++gi) costs[gi] = other_costs[gi];
            }
        }
        if (!recipe.descend_every_start) descend_asymmetric_start<N, Groups>(groups, recipe, costs, codes);
        return codes;
    }
};

template <int N, int Groups>
static inline void write_asymmetric_plan(const LaneGroup<N> *groups, const AsymmetricCodes<Groups> &codes,
                                         float max_level, AsymmetricPlan &plan) {
    plan.d = codes.d;
    plan.dmin = codes.dmin;
    const F8 d = splat(fp16_to_fp32(codes.d)), dmin = splat(fp16_to_fp32(codes.dmin));
    for (int gi = 0; gi < Groups; ++gi) {
        F8 levels[N];
        levels_for<N>(groups[gi], d * codes.sc[gi], dmin * codes.mc[gi], max_level, levels);
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

template <int N, int Groups>
static inline void plan_asymmetric(const float *x, const SearchOptions &options, const AsymmetricRecipe &recipe,
                                   AsymmetricPlan &plan) {
    if (plan_constant_asymmetric(x, recipe.format, plan)) return;
    const AsymmetricSearch<N, Groups> search(x, options, recipe);
    AsymmetricCodes<Groups> codes = search.standard_codes(recipe);
    if (options.trellis) AsymmetricTrellis<N, Groups>(search.groups, search.sums, recipe, options.lambda).run(codes);
    write_asymmetric_plan<N, Groups>(search.groups, codes, float(recipe.format.max_level), plan);
}

} // namespace gmat::kquants::GMAT_KQ_ISA
