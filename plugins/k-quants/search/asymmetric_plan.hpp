// One super-block of q2_k, q4_k or q5_k from values to an AsymmetricPlan.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../search/search_options.hpp"
#include "asymmetric_search.hpp"
#include "error_weights.hpp"

#include <cstring>

namespace gmat::kquants::GMAT_KQ_ISA {

struct AsymmetricRecipe {
    AsymmetricFormat format;
    WeightPolicy weights;
    ScaleGrid grid;
    int refine_rounds;
};

// The fp16 scale for codes up to max_code covering values up to largest
// (rounded up so no code has to exceed max_code; saturates at 65504).
static inline uint16_t superblock_scale(float largest, float max_code) {
    if (!(largest > 0.0f)) return 0;
    const float wanted = largest / max_code;
    return wanted >= kFp16MaxFiniteValue ? kFp16MaxFinite : fp32_to_fp16_not_below(wanted);
}

template <int N, int Groups>
static inline void plan_asymmetric(const float *x, const SearchOptions &options, const AsymmetricRecipe &recipe,
                                   AsymmetricPlan &plan) {
    const float max_level = float(recipe.format.max_level);
    const float max_code = float(recipe.format.max_code);
    const float sigma2 = options.importance ? recipe.weights.importance_sigma * mean_square(x) : 0.0f;

    LaneGroup<N> groups[Groups];
    ValueSums sums[Groups];
    alignas(32) float scales[8 * Groups], mins[8 * Groups];
    for (int gi = 0; gi < Groups; ++gi) {
        LaneGroup<N> &g = groups[gi];
        load_transposed<N>(x, 8 * gi, g.x);
        compute_weights<N>(g, options.importance, 8 * gi, recipe.weights, sigma2);
        sums[gi] = value_sums<N>(g);
        F8 s, m;
        search_scale_min<N>(g, sums[gi], max_level, recipe.grid, s, m);
        store(scales + 8 * gi, s);
        store(mins + 8 * gi, m);
    }

    float largest_s = 0.0f, largest_m = 0.0f;
    for (int j = 0; j < 8 * Groups; ++j) {
        largest_s = scales[j] > largest_s ? scales[j] : largest_s;
        largest_m = mins[j] > largest_m ? mins[j] : largest_m;
    }
    plan.d = superblock_scale(largest_s, max_code);
    plan.dmin = superblock_scale(largest_m, max_code);
    const F8 d = splat(fp16_to_fp32(plan.d));
    const F8 dmin = splat(fp16_to_fp32(plan.dmin));
    const F8 zero = splat(0.0f), top = splat(max_code);

    for (int gi = 0; gi < Groups; ++gi) {
        const LaneGroup<N> &g = groups[gi];
        const F8 safe_d = select(d > zero, d, splat(1.0f));
        const F8 safe_dmin = select(dmin > zero, dmin, splat(1.0f));
        F8 sc = select(d > zero, clamp_round(load(scales + 8 * gi) / safe_d, zero, top), zero);
        F8 mc = select(dmin > zero, clamp_round(load(mins + 8 * gi) / safe_dmin, zero, top), zero);
        for (int r = 0; r < recipe.refine_rounds; ++r) refine_codes<N>(g, sums[gi], max_level, max_code, d, dmin, sc, mc);

        F8 levels[N];
        levels_for<N>(g, d * sc, dmin * mc, max_level, levels);
        store_levels_transposed<N>(levels, 8 * gi, plan.levels);
        alignas(32) float sc_lanes[8], mc_lanes[8];
        store(sc_lanes, sc);
        store(mc_lanes, mc);
        for (int j = 0; j < 8; ++j) {
            plan.scale_codes[8 * gi + j] = uint8_t(int(sc_lanes[j]));
            plan.min_codes[8 * gi + j] = uint8_t(int(mc_lanes[j]));
        }
    }
}

} // namespace gmat::kquants::GMAT_KQ_ISA
