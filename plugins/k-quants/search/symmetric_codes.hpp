// The integer side of a symmetric super-block: the signed fp16 scale d and
// one signed scale code per sub-block, eight sub-blocks per lane group.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../fp16.hpp"
#include "lane_group.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// A signed value as fp16 bits, saturating at +-65504.
static inline uint16_t signed_scale_bits(float value) {
    const uint16_t bits = saturated_scale_bits(value < 0.0f ? -value : value);
    return value < 0.0f ? uint16_t(bits | 0x8000u) : bits;
}

template <int Groups>
struct SymmetricCodes {
    uint16_t d = 0;
    F8 code[Groups];
};

// Per lane, the code nearest to scale / d.
static inline F8 nearest_symmetric_code(F8 scale, F8 d, int neg_codes) {
    const F8 zero = splat(0.0f);
    const auto has_d = d != zero;
    return select(has_d, clamp_round(scale / select(has_d, d, splat(1.0f)), splat(-float(neg_codes)), splat(float(neg_codes - 1))),
                  zero);
}

} // namespace gmat::kquants::GMAT_KQ_ISA
