#include "iq2xs_kernels.hpp"

#include "iq2_format.hpp"
#include "iq2xs_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 16, kSubBlocks = 16, kGroups = 2;

struct Iq2xsFormat : Iq2Scale {
    static constexpr int kScaleValues = kSubBlock;
    static constexpr double kSigmaFactor = 1.0; // ggml's iq2_xs search: sigma2 = mean square
    static const Lattice &lattice(bool wide, int /*shift*/) {
        static const Lattice standard(&kIq2xsGrid[0][0], kIq2xsGridSize, kWidth, kIq2Levels, 3, 8);
        static const Lattice trellis(&kIq2xsGrid[0][0], kIq2xsGridSize, kWidth, kIq2Levels, 3, 16);
        return wide ? trellis : standard;
    }
};

void pack(const uint8_t *codes, const BlockChoice &c, Iq2xsBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    for (int s = 0; s < kSubBlocks; ++s) {
        const SubBlockChoice &sub = c.sub[s];
        out.scales[s / 2] |= uint8_t(sub.code << (4 * (s % 2)));
        for (int g = 0; g < kGroups; ++g) {
            const int q = s * kGroups + g;
            const uint16_t v = uint16_t(sub.index[g] | (uint32_t(codes[q]) << 9));
            out.qs[2 * q] = uint8_t(v & 255);
            out.qs[2 * q + 1] = uint8_t(v >> 8);
        }
    }
}

} // namespace

void quantize_iq2xs(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    uint8_t codes[kBlock / 8];
    quantize_by_block<Iq2xsBlock>("iq2_xs", src, n_rows, n_cols, params, dst,
                             [&](const float *x, const float *importance, Iq2xsBlock &out) {
                                 fill_weights(x, importance, Iq2xsFormat::kSigmaFactor, kSubBlock, in);
                                 fill_parity_signs(x, in, codes);
                                 pack(codes, search_block<Iq2xsFormat>(in, params.strategy), out);
                             });
}

void dequantize_iq2xs(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq2xsBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq2xsBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int q = 0; q < kBlock / 8; ++q) {
            const int s = q / kGroups;
            const float db = Iq2xsFormat::sub_scale(d, (blk.scales[s / 2] >> (4 * (s % 2))) & 15);
            const uint32_t v = uint32_t(blk.qs[2 * q]) | (uint32_t(blk.qs[2 * q + 1]) << 8);
            const uint8_t signs = sign_bits_of_code(v >> 9);
            const uint8_t *grid = kIq2xsGrid[v & 511];
            for (int j = 0; j < 8; ++j) {
                // ggml's "* -1" compiles to a negation: the same for finite values, and it flips a NaN's sign.
                const float x = db * float(grid[j]);
                y[8 * q + j] = (signs >> j) & 1 ? -x : x;
            }
        }
    }
}

} // namespace gmat::iqlattice
