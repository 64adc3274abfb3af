// iq4_xs: one super-block of 256 values, its eight sub-blocks one per lane,
// sharing an fp16 scale d; sub-block ib decodes with scale d * code[ib].
// Standard strategy (objective: plain weighted squared error):
//   1. the scale grid (scale_grid.hpp): a scale s per sub-block;
//   2. d = -s_max / 32 (s_max the scale of largest magnitude: it gets code
//      -32, the long end), rounded to fp16;
//   3. codes: per sub-block, the codes within code_radius of round(s / d),
//      each scored exactly at the scale d * code (lane_fit.hpp); the best kept;
//   4. refits: the best d for the kept codes and levels, rounded to fp16,
//      the kept codes scored at it; kept when the super-block's total drops.
// Trellis strategy (objective: J with the DC term): the standard result,
// re-scored with J, competes with steps 1-4 run on the trellis grid with J;
// in step 3 codes then keep moving to a better neighbouring code (at most
// descent_rounds moves). The winner gets more refits, then the fp16
// neighbours of d up to scale_steps units away on each side are tried, each
// with its own codes. The standard result being a candidate, the trellis
// result never has a higher total J.
//
// Internal linkage: compiled once per SIMD backend.
#pragma once

#include "../search_recipe.hpp"
#include "lane_fit.hpp"
#include "scale_grid.hpp"
#include "stored_scale.hpp"

namespace gmat::iquants {
namespace {

struct XsResult {
    uint16_t d_bits;
    int8_t codes[kSubBlocks];
    uint8_t indices[kSubBlocks][kBlockValues];
};

template <class S>
struct CodeChoice {
    StoredScale d;
    typename S::F code;
    LaneFit<S> fit;
    float total; // sum of the counted lanes' costs
};

// Everything the code choice needs besides d.
template <class S>
struct CodeSearch {
    const LaneGroup<S> &g;
    typename S::F scales; // the grid's scale per sub-block
    DcTerm<S> dc;
    int radius;
    int descent_rounds;
};

template <class S>
GMAT_QUANT_INLINE typename S::F clamp_code(typename S::F code) {
    return S::min(S::max(code, S::set1(float(kXsMinCode))), S::set1(float(kXsMaxCode)));
}

template <class S>
GMAT_QUANT_INLINE void update_total(const CodeSearch<S> &cs, CodeChoice<S> &c) {
    c.total = S::hsum(S::select(cs.g.counted, c.fit.cost, S::zero()));
}

// Every lane's fit at d * code (total not yet summed).
template <class S, bool kWeighted, bool kDc>
CodeChoice<S> choice_at(const CodeSearch<S> &cs, StoredScale d, typename S::F code) {
    return {d, code, fit_at_scale<S, kWeighted, kDc>(cs.g, S::mul(S::set1(d.value), code), cs.dc), 0.0f};
}

// Tries `code` in every lane; keeps it where better. False when no lane changed.
template <class S, bool kWeighted, bool kDc>
bool try_codes(const CodeSearch<S> &cs, typename S::F code, CodeChoice<S> &best) {
    const LaneFit<S> fit = fit_at_scale<S, kWeighted, kDc>(cs.g, S::mul(S::set1(best.d.value), code), cs.dc);
    const auto better = S::lt(fit.cost, best.fit.cost);
    if (S::mask_bits(better) == 0) return false;
    best.code = S::select(better, code, best.code);
    keep_better_fit<S>(better, fit, best.fit);
    return true;
}

template <class S, bool kWeighted, bool kDc>
void descend_codes(const CodeSearch<S> &cs, CodeChoice<S> &best) {
    for (int round = 0; round < cs.descent_rounds && best.d.value != 0.0f; ++round) {
        const typename S::F from = best.code;
        bool moved = try_codes<S, kWeighted, kDc>(cs, clamp_code<S>(S::sub(from, S::set1(1.0f))), best);
        moved |= try_codes<S, kWeighted, kDc>(cs, clamp_code<S>(S::add(from, S::set1(1.0f))), best);
        if (!moved) break;
    }
}

// Step 3 for one stored d.
template <class S, bool kWeighted, bool kDc>
CodeChoice<S> choose_codes(const CodeSearch<S> &cs, StoredScale d) {
    using F = typename S::F;
    const F dv = S::set1(d.value);
    const F centre = d.value != 0.0f ? clamp_code<S>(S::round(S::div(cs.scales, dv))) : S::zero();
    CodeChoice<S> best = choice_at<S, kWeighted, kDc>(cs, d, centre);
    for (int delta = -cs.radius; delta <= cs.radius && d.value != 0.0f; ++delta)
        if (delta != 0) try_codes<S, kWeighted, kDc>(cs, clamp_code<S>(S::add(centre, S::set1(float(delta)))), best);
    descend_codes<S, kWeighted, kDc>(cs, best);
    update_total<S>(cs, best);
    return best;
}

template <class S, bool kWeighted, bool kDc>
bool keep_if_better(const CodeSearch<S> &cs, StoredScale d, CodeChoice<S> &best) {
    const CodeChoice<S> c = choose_codes<S, kWeighted, kDc>(cs, d);
    if (!(c.total < best.total)) return false;
    best = c;
    return true;
}

// The signed sub-block scale of largest magnitude among the counted lanes.
template <class S>
float extreme_scale(const LaneGroup<S> &g, typename S::F scales) {
    float lanes[8];
    S::store(lanes, S::select(g.counted, scales, S::zero()));
    float extreme = 0.0f, magnitude = 0.0f;
    for (float s : lanes) {
        const float a = s < 0.0f ? -s : s;
        if (a > magnitude) {
            magnitude = a;
            extreme = s;
        }
    }
    return extreme;
}

// The d minimising the counted lanes' total for fixed codes c and levels:
// sum c num / sum c^2 den, with each lane's refit terms (lane_fit.hpp).
template <class S, bool kDc>
float refit_d(const CodeSearch<S> &cs, const CodeChoice<S> &c) {
    typename S::F num, den;
    refit_terms<S, kDc>(c.fit, cs.dc, num, den);
    const float n = S::hsum(S::select(cs.g.counted, S::mul(c.code, num), S::zero()));
    const float d = S::hsum(S::select(cs.g.counted, S::mul(S::mul(c.code, c.code), den), S::zero()));
    return d > 0.0f ? n / d : 0.0f;
}

// Step 4. The standard objective re-scores the kept codes at the refitted d
// (one pass; choosing the codes again around round(s / d) cost two more
// passes for 0.03% of error). With the DC term (trellis) the codes are
// chosen again and descend.
template <class S, bool kWeighted, bool kDc>
void refit_rounds(const CodeSearch<S> &cs, int rounds, CodeChoice<S> &best) {
    const LaneGroup<S> &g = cs.g;
    for (int round = 0; round < rounds && best.d.value != 0.0f; ++round) {
        const StoredScale d = stored_scale(refit_d<S, kDc>(cs, best), g.to_original[0], g.to_normalised[0]);
        if (d.bits == best.d.bits) break;
        if constexpr (kDc) {
            if (!keep_if_better<S, kWeighted, kDc>(cs, d, best)) break;
        } else {
            CodeChoice<S> kept = choice_at<S, kWeighted, kDc>(cs, d, best.code);
            update_total<S>(cs, kept);
            if (!(kept.total < best.total)) break;
            best = kept;
        }
    }
}

// Steps 2-4.
template <class S, bool kWeighted, bool kDc>
CodeChoice<S> codes_and_refits(const CodeSearch<S> &cs, int refits) {
    const LaneGroup<S> &g = cs.g;
    const float first_d = -extreme_scale<S>(g, cs.scales) / float(-kXsMinCode);
    const StoredScale d = stored_scale(first_d, g.to_original[0], g.to_normalised[0]);
    CodeChoice<S> best = choose_codes<S, kWeighted, kDc>(cs, d);
    refit_rounds<S, kWeighted, kDc>(cs, refits, best);
    return best;
}

template <class S, bool kWeighted>
CodeChoice<S> trellis_stage(const LaneGroup<S> &g, const SearchRecipe &recipe, const DcTerm<S> &dc,
                            const CodeChoice<S> &standard) {
    const CodeSearch<S> cs{g, search_grid<S, kWeighted, true>(g, recipe.trellis.grid, dc).best, dc,
                           recipe.code_radius, recipe.trellis.descent_rounds};
    CodeChoice<S> best = choice_at<S, kWeighted, true>(cs, standard.d, standard.code);
    descend_codes<S, kWeighted, true>(cs, best);
    update_total<S>(cs, best);
    const CodeChoice<S> other = codes_and_refits<S, kWeighted, true>(cs, recipe.refits);
    if (other.total < best.total) best = other;
    refit_rounds<S, kWeighted, true>(cs, recipe.refits, best);
    const StoredScale centre = best.d;
    for (int step = 1; step <= recipe.trellis.scale_steps && centre.value != 0.0f; ++step) {
        keep_if_better<S, kWeighted, true>(cs, stored_bits(fp16_step(centre.bits, step), g.to_normalised[0]), best);
        keep_if_better<S, kWeighted, true>(cs, stored_bits(fp16_step(centre.bits, -step), g.to_normalised[0]), best);
    }
    return best;
}

template <class S, bool kWeighted, bool kDc>
void write_xs_result(const LaneGroup<S> &g, const DcTerm<S> &dc, const CodeChoice<S> &c, XsResult &out) {
    out.d_bits = c.d.bits;
    float codes[8];
    S::store(codes, c.code);
    for (int j = 0; j < kSubBlocks; ++j) out.codes[j] = int8_t(codes[j]);
    lane_indices<S, kWeighted, kDc>(g, S::mul(S::set1(c.d.value), c.code), dc, out.indices);
}

template <class S, bool kWeighted, bool kTrellis>
void search_xs_superblock(const LaneGroup<S> &g, const SearchRecipe &recipe, XsResult &out) {
    const DcTerm<S> no_dc{S::zero(), S::zero()};
    const typename S::F scales = search_grid<S, kWeighted, false>(g, recipe.grid, no_dc).best;
    const CodeSearch<S> cs{g, scales, no_dc, recipe.code_radius, 0};
    const CodeChoice<S> standard = codes_and_refits<S, kWeighted, false>(cs, recipe.refits);
    if constexpr (kTrellis) {
        const DcTerm<S> dc = dc_term<S, kWeighted>(g, recipe.trellis.lambda);
        write_xs_result<S, kWeighted, true>(g, dc, trellis_stage<S, kWeighted>(g, recipe, dc, standard), out);
    } else {
        write_xs_result<S, kWeighted, false>(g, no_dc, standard, out);
    }
}

} // namespace
} // namespace gmat::iquants
