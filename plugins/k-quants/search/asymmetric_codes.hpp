// The integer side of an asymmetric super-block: fp16 scales d and dmin and
// one (scale code, min code) pair per sub-block, eight sub-blocks per lane group.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../fp16.hpp"
#include "lane_group.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// The fp16 scale that gives the largest sub-block value code max_code
// (nearest fp16, as ggml; a code that would then exceed max_code is clamped
// and the refinement copes). Saturates at 65504.
static inline uint16_t superblock_scale(float largest, float max_code) {
    if (!(largest > 0.0f)) return 0;
    return saturated_scale_bits(largest / max_code);
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

} // namespace gmat::kquants::GMAT_KQ_ISA
