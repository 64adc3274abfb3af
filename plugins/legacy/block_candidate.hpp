// One candidate encoding of a block: fp16 scale (and offset), levels, error.
// Shared by the symmetric and affine block quantizers. Internal linkage: this
// header is compiled once per SIMD backend (see kernel_set.hpp).
#pragma once

#include "block_formats.hpp"

#include <gmat_quant/block_fit.hpp>

#include <cfloat>

namespace gmat::legacy {
namespace {

template <class S>
using Block32 = quant::Block<S, 4>;

template <class S>
struct Candidate {
    bool valid = false;
    uint16_t d_bits = 0, m_bits = 0; // fp16 as stored
    float d = 0.0f, m = 0.0f;        // the same, as the dequantizer reads them
    quant::BlockLevels<S, 4> levels;
    quant::BlockError error{};
};

GMAT_QUANT_INLINE bool is_finite(float v) { return v - v == 0.0f; }

// Ranked by the search objective; an invalid candidate never wins.
template <class S>
GMAT_QUANT_INLINE bool improves_on(const Candidate<S> &c, const Candidate<S> &best) {
    return c.valid && (!best.valid || c.error.penalized < best.error.penalized);
}

template <class S>
GMAT_QUANT_INLINE void store_scale(Candidate<S> &c, float d) {
    c.d_bits = quant::fp32_to_fp16_saturated(d);
    c.d = quant::fp16_to_fp32(c.d_bits);
}

// Codes (level + offset) of the candidate as 32 bytes.
template <class S, class Format>
GMAT_QUANT_INLINE void candidate_codes(const Candidate<S> &c, uint8_t *codes) {
    constexpr float offset = code_offset<Format>();
    typename S::F shifted[4];
    for (int v = 0; v < 4; ++v) shifted[v] = S::add(c.levels.l[v], S::set1(offset));
    S::store_bytes32(shifted, codes);
}

template <class S>
GMAT_QUANT_INLINE Block32<S> load_block(const float *x, const float *w) {
    Block32<S> b;
    for (int v = 0; v < 4; ++v) {
        b.x[v] = S::load(x + 8 * v);
        if (w != nullptr) b.w[v] = S::load(w + 8 * v);
    }
    return b;
}

} // namespace
} // namespace gmat::legacy
