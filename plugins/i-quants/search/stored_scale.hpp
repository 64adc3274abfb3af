// Scales as the block stores them: the search's scale taken back to the
// input's magnitude, rounded to fp16 (saturated at +-65504, so no block ever
// holds an infinite scale) and decoded again into the normalised domain.
//
// Internal linkage: compiled once per SIMD backend.
#pragma once

#include "lane_group.hpp"

namespace gmat::iquants {
namespace {

struct StoredScale {
    uint16_t bits = 0; // fp16 as stored
    float value = 0;   // its decoded value, normalised
};

GMAT_QUANT_INLINE StoredScale stored_scale(float normalised, float to_original, float to_normalised) {
    StoredScale r;
    r.bits = quant::fp32_to_fp16_saturated(normalised * to_original);
    r.value = quant::fp16_to_fp32(r.bits) * to_normalised;
    return r;
}

GMAT_QUANT_INLINE StoredScale stored_bits(uint16_t bits, float to_normalised) {
    return {bits, quant::fp16_to_fp32(bits) * to_normalised};
}

// The fp16 scale `steps` units in the last place further from zero (closer
// for steps < 0), sign kept, between the smallest subnormal and 65504; zero
// stays zero (a zero scale has no direction to step in).
GMAT_QUANT_INLINE uint16_t fp16_step(uint16_t bits, int steps) {
    const int magnitude = bits & 0x7fff;
    if (magnitude == 0) return bits;
    int stepped = magnitude + steps;
    stepped = stepped < 1 ? 1 : (stepped > 0x7bff ? 0x7bff : stepped);
    return uint16_t((bits & 0x8000) | stepped);
}

// One stored scale per lane (iq4_nl).
template <class S>
struct LaneScales {
    typename S::F value;
    uint16_t bits[8];
};

template <class S>
LaneScales<S> lane_stored_scales(typename S::F normalised, const LaneGroup<S> &g) {
    float lanes[8];
    S::store(lanes, normalised);
    LaneScales<S> r;
    for (int j = 0; j < 8; ++j) {
        const StoredScale s = stored_scale(lanes[j], g.to_original[j], g.to_normalised[j]);
        r.bits[j] = s.bits;
        lanes[j] = s.value;
    }
    r.value = S::load(lanes);
    return r;
}

// Every lane's scale moved by `steps` fp16 units (fp16_step).
template <class S>
LaneScales<S> stepped_scales(const LaneScales<S> &from, int steps, const LaneGroup<S> &g) {
    LaneScales<S> r;
    float lanes[8];
    for (int j = 0; j < 8; ++j) {
        const StoredScale s = stored_bits(fp16_step(from.bits[j], steps), g.to_normalised[j]);
        r.bits[j] = s.bits;
        lanes[j] = s.value;
    }
    r.value = S::load(lanes);
    return r;
}

template <class S>
GMAT_QUANT_INLINE void keep_better_scales(typename S::M better, const LaneScales<S> &candidate, LaneScales<S> &best) {
    best.value = S::select(better, candidate.value, best.value);
    const int lanes = S::mask_bits(better);
    for (int j = 0; j < 8; ++j)
        if (lanes & (1 << j)) best.bits[j] = candidate.bits[j];
}

} // namespace
} // namespace gmat::iquants
