#include "iq2s_kernels.hpp"

#include "iq2_format.hpp"
#include "iq2s_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 16, kSubBlocks = 16, kGroups = 2;

struct Iq2sFormat : Iq2Scale {
    static constexpr int kScaleValues = kSubBlock;
    static constexpr double kSigmaFactor = 2.0; // ggml's iq2_s search: sigma2 = twice the mean square
    static const Lattice &lattice(bool wide, int /*shift*/) {
        static const Lattice standard(&kIq2sGrid[0][0], kIq2sGridSize, kWidth, kIq2Levels, 3, 8);
        static const Lattice trellis(&kIq2sGrid[0][0], kIq2sGridSize, kWidth, kIq2Levels, 3, 16);
        return wide ? trellis : standard;
    }
};

void pack(const uint8_t *signs, const BlockChoice &c, Iq2sBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    std::memcpy(out.qs + 32, signs, 32);
    for (int s = 0; s < kSubBlocks; ++s) {
        const SubBlockChoice &sub = c.sub[s];
        out.scales[s / 2] |= uint8_t(sub.code << (4 * (s % 2)));
        for (int g = 0; g < kGroups; ++g) {
            const int q = s * kGroups + g;
            out.qs[q] = uint8_t(sub.index[g] & 255);
            out.qh[q / 4] |= uint8_t((sub.index[g] >> 8) << (2 * (q % 4)));
        }
    }
}

} // namespace

void quantize_iq2s(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    uint8_t signs[kBlock / 8];
    quantize_by_block<Iq2sBlock>("iq2_s", src, n_rows, n_cols, params, dst,
                                 [&](const float *x, const float *importance, Iq2sBlock &out) {
                                     fill_free_signs(x, in, signs);
                                     fill_weights(x, importance, Iq2sFormat::kSigmaFactor, kSubBlock, in);
                                     pack(signs, search_block<Iq2sFormat>(in, params.strategy), out);
                                 });
}

void dequantize_iq2s(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq2sBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq2sBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int q = 0; q < kBlock / 8; ++q) {
            const int s = q / kGroups;
            const float db = Iq2sFormat::sub_scale(d, (blk.scales[s / 2] >> (4 * (s % 2))) & 15);
            const int index = blk.qs[q] | (((blk.qh[q / 4] >> (2 * (q % 4))) & 3) << 8);
            const uint8_t signs = blk.qs[32 + q];
            for (int j = 0; j < 8; ++j) {
                // ggml's "* -1" compiles to a negation: the same for finite values, and it flips a NaN's sign.
                const float x = db * float(kIq2sGrid[index][j]);
                y[8 * q + j] = (signs >> j) & 1 ? -x : x;
            }
        }
    }
}

} // namespace gmat::iqlattice
