// One super-block of q3_k or q6_k from values to a SymmetricPlan.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../fp16.hpp"
#include "../superblock_plan.hpp"
#include "constant_superblock.hpp"
#include "error_weights.hpp"
#include "recipes.hpp"
#include "search_options.hpp"
#include "symmetric_search.hpp"
#include "superblock_scale_fit.hpp"
#include "symmetric_codes.hpp"
#include "symmetric_trellis.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Codes nearest to the sub-block scales for d, descended with the exact
// cost; returns the total cost (sum w e^2 over the super-block).
template <int N, int Groups>
static inline float start_symmetric_codes(const LaneGroup<N> *groups, const F8 *scales, const SymmetricRecipe &recipe,
                                          uint16_t d_bits, SymmetricCodes<Groups> &codes) {
    const int neg_levels = recipe.format.neg_levels, neg_codes = recipe.format.neg_codes;
    const F8 d = splat(fp16_to_fp32(d_bits));
    codes.d = d_bits;
    F8 total = splat(0.0f);
    for (int gi = 0; gi < Groups; ++gi) {
        F8 code = nearest_symmetric_code(scales[gi], d, neg_codes);
        total = total + descend_symmetric_codes<N>(groups[gi], neg_levels, neg_codes, d, splat(0.0f), recipe.exact_steps, code);
        codes.code[gi] = code;
    }
    return horizontal_sum(total);
}

// The values and weights of a super-block in lane groups, each sub-block's
// best scale, and what the super-block scale fit needs.
template <int N, int Groups>
struct SymmetricSearch {
    LaneGroup<N> groups[Groups];
    F8 scales[Groups];
    alignas(32) float scale[8 * Groups], curvature[8 * Groups], weight[8 * Groups];

    SymmetricSearch(const float *x, const SearchOptions &options, const SymmetricRecipe &recipe) {
        for (int gi = 0; gi < Groups; ++gi) {
            LaneGroup<N> &g = groups[gi];
            load_transposed<N>(x, 8 * gi, g.x);
            compute_weights<N>(g, options.importance, 8 * gi, options.row_mean_square);
            const SymmetricFit fit = search_symmetric_scale<N>(g, recipe.format.neg_levels, recipe.grid);
            scales[gi] = fit.s;
            store(scale + 8 * gi, fit.s);
            store(curvature + 8 * gi, fit.h);
            store(weight + 8 * gi, lane_sum<N>(g.w));
        }
    }

    // d fit to the sub-blocks' error curvatures and, as a second start, to
    // their total weights as ggml does; the lower error wins.
    SymmetricCodes<Groups> standard_codes(const SymmetricRecipe &recipe) const {
        const ScaleFitGrid grid = recipe.scale_fit;
        const int n = 8 * Groups, neg_codes = recipe.format.neg_codes;
        SymmetricCodes<Groups> codes;
        const uint16_t d = signed_scale_bits(fit_symmetric_superblock_scale(scale, curvature, n, neg_codes, grid.radius, grid.step));
        const float cost = start_symmetric_codes<N, Groups>(groups, scales, recipe, d, codes);
        if (grid.weight_start) {
            const uint16_t other_d =
                signed_scale_bits(fit_symmetric_superblock_scale(scale, weight, n, neg_codes, grid.radius, grid.step));
            SymmetricCodes<Groups> other;
            if (other_d != d && start_symmetric_codes<N, Groups>(groups, scales, recipe, other_d, other) < cost) return other;
        }
        return codes;
    }
};

template <int N, int Groups>
static inline void write_symmetric_plan(const LaneGroup<N> *groups, const SymmetricCodes<Groups> &codes, int neg_levels,
                                        SymmetricPlan &plan) {
    plan.d = codes.d;
    const F8 d = splat(fp16_to_fp32(codes.d));
    for (int gi = 0; gi < Groups; ++gi) {
        F8 levels[N];
        symmetric_levels_for<N>(groups[gi], d * codes.code[gi], neg_levels, levels);
        for (int i = 0; i < N; ++i) levels[i] = levels[i] + splat(float(neg_levels));
        store_levels_transposed<N>(levels, 8 * gi, plan.levels);
        alignas(32) float code_lanes[8];
        store(code_lanes, codes.code[gi]);
        for (int j = 0; j < 8; ++j) plan.codes[8 * gi + j] = int8_t(int(code_lanes[j]));
    }
}

template <int N, int Groups>
static inline void plan_symmetric(const float *x, const SearchOptions &options, const SymmetricRecipe &recipe,
                                  SymmetricPlan &plan) {
    if (plan_constant_symmetric(x, recipe.format, plan)) return;
    const SymmetricSearch<N, Groups> search(x, options, recipe);
    SymmetricCodes<Groups> codes = search.standard_codes(recipe);
    if (options.trellis) SymmetricTrellis<N, Groups>(search.groups, recipe, options.lambda).run(codes);
    write_symmetric_plan<N, Groups>(search.groups, codes, recipe.format.neg_levels, plan);
}

} // namespace gmat::kquants::GMAT_KQ_ISA
