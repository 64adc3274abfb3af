// iq4_nl: eight independent blocks of 32 values, one per lane.
// Standard strategy (objective: plain weighted squared error):
//   1. the scale grid (scale_grid.hpp): the best scale of each orientation;
//   2. both rounded to fp16 and scored exactly at the stored scale
//      (lane_fit.hpp); the better one is kept;
//   3. refits: the best scale for the kept levels, rounded to fp16 and
//      scored again, kept where better.
// Trellis strategy (objective: J with the DC term): the standard result,
// re-scored with J, competes with steps 1-3 run on the trellis grid with J;
// the winner gets more refits, then its fp16 neighbours up to scale_steps
// units away on each side are tried. Since the standard result is one of the
// candidates, the trellis result never has a higher J.
//
// Internal linkage: compiled once per SIMD backend.
#pragma once

#include "../search_recipe.hpp"
#include "lane_fit.hpp"
#include "scale_grid.hpp"
#include "stored_scale.hpp"

namespace gmat::iquants {
namespace {

struct NlGroupResult {
    uint16_t d_bits[8];
    uint8_t indices[8][kBlockValues];
};

template <class S>
struct NlCandidate {
    LaneScales<S> scale;
    LaneFit<S> fit;
};

template <class S, bool kWeighted, bool kDc>
NlCandidate<S> nl_candidate(const LaneGroup<S> &g, const LaneScales<S> &scale, const DcTerm<S> &dc) {
    return {scale, fit_at_scale<S, kWeighted, kDc>(g, scale.value, dc)};
}

// Keeps the candidate in lanes where it is strictly better; false when no lane changed.
template <class S>
bool keep_better(const NlCandidate<S> &candidate, NlCandidate<S> &best) {
    const auto better = S::lt(candidate.fit.cost, best.fit.cost);
    if (S::mask_bits(better) == 0) return false;
    keep_better_scales<S>(better, candidate.scale, best.scale);
    keep_better_fit<S>(better, candidate.fit, best.fit);
    return true;
}

template <class S, bool kWeighted, bool kDc>
void refit_rounds(const LaneGroup<S> &g, int rounds, const DcTerm<S> &dc, NlCandidate<S> &best) {
    for (int round = 0; round < rounds; ++round) {
        const LaneScales<S> refit = lane_stored_scales<S>(refit_scale<S, kDc>(best.fit, dc), g);
        if (!keep_better<S>(nl_candidate<S, kWeighted, kDc>(g, refit, dc), best)) break;
    }
}

// Steps 1-3.
template <class S, bool kWeighted, bool kDc>
NlCandidate<S> grid_and_refits(const LaneGroup<S> &g, const TargetGrid &grid, int refits, const DcTerm<S> &dc) {
    const GridChoice<S> choice = search_grid<S, kWeighted, kDc>(g, grid, dc);
    NlCandidate<S> best = nl_candidate<S, kWeighted, kDc>(g, lane_stored_scales<S>(choice.negative, g), dc);
    keep_better<S>(nl_candidate<S, kWeighted, kDc>(g, lane_stored_scales<S>(choice.positive, g), dc), best);
    refit_rounds<S, kWeighted, kDc>(g, refits, dc, best);
    return best;
}

template <class S, bool kWeighted>
NlCandidate<S> trellis_stage(const LaneGroup<S> &g, const SearchRecipe &recipe, const DcTerm<S> &dc,
                             const NlCandidate<S> &standard) {
    NlCandidate<S> best = nl_candidate<S, kWeighted, true>(g, standard.scale, dc);
    keep_better<S>(grid_and_refits<S, kWeighted, true>(g, recipe.trellis.grid, recipe.refits, dc), best);
    refit_rounds<S, kWeighted, true>(g, recipe.refits, dc, best);
    const LaneScales<S> centre = best.scale;
    for (int step = 1; step <= recipe.trellis.scale_steps; ++step) {
        keep_better<S>(nl_candidate<S, kWeighted, true>(g, stepped_scales<S>(centre, step, g), dc), best);
        keep_better<S>(nl_candidate<S, kWeighted, true>(g, stepped_scales<S>(centre, -step, g), dc), best);
    }
    return best;
}

template <class S, bool kWeighted, bool kTrellis>
void search_nl_group(const LaneGroup<S> &g, const SearchRecipe &recipe, NlGroupResult &out) {
    const DcTerm<S> no_dc{S::zero(), S::zero()};
    NlCandidate<S> best = grid_and_refits<S, kWeighted, false>(g, recipe.grid, recipe.refits, no_dc);
    if constexpr (kTrellis) {
        const DcTerm<S> dc = dc_term<S, kWeighted>(g, recipe.trellis.lambda);
        best = trellis_stage<S, kWeighted>(g, recipe, dc, best);
        lane_indices<S, kWeighted, true>(g, best.scale.value, dc, out.indices);
    } else {
        lane_indices<S, kWeighted, false>(g, best.scale.value, no_dc, out.indices);
    }
    for (int j = 0; j < 8; ++j) out.d_bits[j] = best.scale.bits[j];
}

} // namespace
} // namespace gmat::iquants
