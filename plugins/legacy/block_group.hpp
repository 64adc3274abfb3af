// Eight blocks side by side ("lanes"): value j of block b is lane b of
// vector x[j]. Every per-block quantity (scale, error, choice) is then one
// lane of a vector, so the whole search runs vertically, without horizontal
// sums or branches, and each SIMD backend computes lane by lane exactly what
// the other does. Internal linkage: compiled once per backend (kernel_set.hpp).
#pragma once

#include "block_formats.hpp"

namespace gmat::legacy {
namespace {

inline constexpr int kGroupBlocks = 8;

template <class S>
struct BlockGroup {
    using F = typename S::F;
    F x[kBlockValues];
    F w[kBlockValues]; // importance weights, when there are any
    int blocks = 0;    // valid lanes; the others repeat the last block
};

// Loads blocks [0, count) of 32 values at src (and weights at w, or none).
template <class S>
GMAT_QUANT_INLINE void load_group(const float *src, const float *w, int count, BlockGroup<S> &g) {
    g.blocks = count;
    for (int chunk = 0; chunk < 4; ++chunk) {
        typename S::F r[8], rw[8];
        GMAT_QUANT_UNROLL
        for (int b = 0; b < 8; ++b) {
            const int block = b < count ? b : count - 1;
            r[b] = S::load(src + block * kBlockValues + 8 * chunk);
            if (w != nullptr) rw[b] = S::load(w + block * kBlockValues + 8 * chunk);
        }
        S::transpose8(r);
        if (w != nullptr) S::transpose8(rw);
        GMAT_QUANT_UNROLL
        for (int i = 0; i < 8; ++i) {
            g.x[8 * chunk + i] = r[i];
            if (w != nullptr) g.w[8 * chunk + i] = rw[i];
        }
    }
}

// Per lane, the largest and smallest value of the block.
template <class S>
GMAT_QUANT_INLINE void group_range(const BlockGroup<S> &g, typename S::F &min, typename S::F &max) {
    typename S::F lo[4], hi[4]; // four independent chains, then combined
    GMAT_QUANT_UNROLL
    for (int c = 0; c < 4; ++c) lo[c] = hi[c] = g.x[c];
    for (int j = 4; j < kBlockValues; j += 4) {
        GMAT_QUANT_UNROLL
        for (int c = 0; c < 4; ++c) {
            lo[c] = S::min(lo[c], g.x[j + c]);
            hi[c] = S::max(hi[c], g.x[j + c]);
        }
    }
    min = S::min(S::min(lo[0], lo[1]), S::min(lo[2], lo[3]));
    max = S::max(S::max(hi[0], hi[1]), S::max(hi[2], hi[3]));
}

// Writes the levels (lane b: block b) and scale (and offset) of the valid lanes.
template <class S, class Format>
GMAT_QUANT_INLINE void write_group(const typename S::F (&levels)[kBlockValues], typename S::F d, typename S::F m,
                                   int count, typename Format::Block *out) {
    constexpr float offset = code_offset<Format>();
    typename S::F per_block[8][4];
    for (int chunk = 0; chunk < 4; ++chunk) {
        typename S::F r[8];
        GMAT_QUANT_UNROLL
        for (int i = 0; i < 8; ++i) {
            r[i] = levels[8 * chunk + i];
            if constexpr (offset != 0.0f) r[i] = S::add(r[i], S::set1(offset));
        }
        S::transpose8(r);
        GMAT_QUANT_UNROLL
        for (int b = 0; b < 8; ++b) per_block[b][chunk] = r[b];
    }
    uint16_t d_bits[8], m_bits[8];
    S::store_fp16(d_bits, d);
    if constexpr (Format::shape == LevelShape::affine) S::store_fp16(m_bits, m);
    for (int b = 0; b < count; ++b) {
        out[b].d = d_bits[b];
        if constexpr (Format::shape == LevelShape::affine) out[b].m = m_bits[b];
        Format::template pack<S>(per_block[b], out[b]);
    }
}

} // namespace
} // namespace gmat::legacy
