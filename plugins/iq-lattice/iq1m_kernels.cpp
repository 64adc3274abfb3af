#include "iq1m_kernels.hpp"

#include "iq1_format.hpp"
#include "iq1m_format.hpp"
#include "iq1s_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 16, kSubBlocks = 16;

// A 3-bit code per 16 values and a shift per 8: each group picks its lattice.
struct Iq1mFormat : Iq1Scale {
    static constexpr int kScaleValues = kSubBlock;
    static constexpr bool kShiftPerGroup = true;
    static constexpr int kCodeRadius = 1; // 0: 0.994 of ggml's error on tests/iq-lattice's t(4) matrix
};

void pack(const BlockChoice &c, Iq1mBlock &out) {
    std::memset(&out, 0, sizeof out);
    if (c.d == 0) return;
    uint16_t scales[4] = {};
    for (int s = 0; s < kSubBlocks; ++s) {
        const SubBlockChoice &sub = c.sub[s];
        uint32_t h = 0;
        for (int l = 0; l < 2; ++l) {
            out.qs[2 * s + l] = uint8_t(sub.index[l] & 255);
            h |= (uint32_t(sub.index[l] >> 8) | uint32_t(sub.shift[l]) << 3) << (4 * l);
        }
        out.qh[s] = uint8_t(h);
        scales[s / 4] |= uint16_t(sub.code << (3 * (s % 4)));
    }
    for (int k = 0; k < 4; ++k) scales[k] |= uint16_t(((c.d >> (4 * k)) & 15) << 12);
    store_iq1m_scales(scales, out);
}

} // namespace

void quantize_iq1m(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    quantize_by_block<Iq1mBlock>("iq1_m", src, n_rows, n_cols, params, dst,
                                 [&](const float *x, const float *importance, Iq1mBlock &out) {
                                     fill_weights(x, importance, Iq1mFormat::kSigmaFactor, kSubBlock, in);
                                     for (int i = 0; i < kBlock; ++i) in.a[i] = double(x[i]);
                                     pack(search_block<Iq1mFormat>(in, params.strategy), out);
                                 });
}

void dequantize_iq1m(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq1mBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq1mBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(iq1m_d_bits(blk));
        float *y = dst + b * kBlock;
        for (int s = 0; s < kSubBlocks; ++s) {
            const uint32_t sc = uint32_t(blk.scales[2 * (s / 4)]) | (uint32_t(blk.scales[2 * (s / 4) + 1]) << 8);
            const float dl = d * float(2 * ((sc >> (3 * (s % 4))) & 7) + 1);
            for (int l = 0; l < 2; ++l) {
                const uint32_t nibble = uint32_t(blk.qh[s] >> (4 * l)) & 15;
                const int8_t *grid = kIq1sGrid[blk.qs[2 * s + l] | ((nibble & 7) << 8)];
                const float delta = nibble & 8 ? -0.125f : 0.125f;
                for (int j = 0; j < 8; ++j) y[s * kSubBlock + 8 * l + j] = dl * (float(grid[j]) + delta);
            }
        }
    }
}

} // namespace gmat::iqlattice
