// One super-block of q3_k or q6_k from values to a SymmetricPlan.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../fp16.hpp"
#include "../superblock_plan.hpp"
#include "error_weights.hpp"
#include "search_options.hpp"
#include "recipes.hpp"
#include "symmetric_search.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// The signed fp16 super-block scale that puts `extreme` (the sub-block scale
// of largest magnitude) at code -neg_codes, rounded so no code overflows.
static inline uint16_t symmetric_superblock_scale(float extreme, int neg_codes) {
    const float magnitude = extreme < 0.0f ? -extreme : extreme;
    if (!(magnitude > 0.0f)) return 0;
    const float wanted = magnitude / float(neg_codes);
    const uint16_t bits = wanted >= kFp16MaxFiniteValue ? kFp16MaxFinite : fp32_to_fp16_not_below(wanted);
    return extreme > 0.0f ? uint16_t(bits | 0x8000u) : bits;
}

template <int N, int Groups>
static inline void plan_symmetric(const float *x, const SearchOptions &options, const SymmetricRecipe &recipe,
                                  SymmetricPlan &plan) {
    const int neg_levels = recipe.format.neg_levels, neg_codes = recipe.format.neg_codes;
    const float sigma2 = options.importance ? recipe.weights.importance_sigma * mean_square(x) : 0.0f;

    LaneGroup<N> groups[Groups];
    alignas(32) float scales[8 * Groups];
    for (int gi = 0; gi < Groups; ++gi) {
        LaneGroup<N> &g = groups[gi];
        load_transposed<N>(x, 8 * gi, g.x);
        compute_weights<N>(g, options.importance, 8 * gi, recipe.weights, sigma2);
        store(scales + 8 * gi, search_symmetric_scale<N>(g, neg_levels, recipe.grid));
    }

    float extreme = 0.0f, extreme_abs = 0.0f;
    for (int j = 0; j < 8 * Groups; ++j) {
        const float a = scales[j] < 0.0f ? -scales[j] : scales[j];
        if (a > extreme_abs) {
            extreme_abs = a;
            extreme = scales[j];
        }
    }
    plan.d = symmetric_superblock_scale(extreme, neg_codes);
    const F8 d = splat(fp16_to_fp32(plan.d));
    const F8 zero = splat(0.0f);
    const F8 lo = splat(-float(neg_codes)), hi = splat(float(neg_codes - 1));
    const auto has_d = d != zero;
    const F8 safe_d = select(has_d, d, splat(1.0f));

    for (int gi = 0; gi < Groups; ++gi) {
        const LaneGroup<N> &g = groups[gi];
        F8 code = select(has_d, clamp_round(load(scales + 8 * gi) / safe_d, lo, hi), zero);
        for (int r = 0; r < recipe.refine_rounds; ++r) code = refine_symmetric_code<N>(g, neg_levels, neg_codes, d, code);

        F8 levels[N];
        symmetric_levels_for<N>(g, d * code, neg_levels, levels);
        for (int i = 0; i < N; ++i) levels[i] = levels[i] + splat(float(neg_levels));
        store_levels_transposed<N>(levels, 8 * gi, plan.levels);
        alignas(32) float code_lanes[8];
        store(code_lanes, code);
        for (int j = 0; j < 8; ++j) plan.codes[8 * gi + j] = int8_t(int(code_lanes[j]));
    }
}

} // namespace gmat::kquants::GMAT_KQ_ISA
