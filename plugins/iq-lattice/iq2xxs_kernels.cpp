#include "iq2xxs_kernels.hpp"

#include "iq2_format.hpp"
#include "iq2xxs_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 32, kSubBlocks = 8, kGroups = 4;

struct Iq2xxsFormat : Iq2Scale {
    static constexpr int kScaleValues = kSubBlock;
    static constexpr double kSigmaFactor = 1.0; // ggml's iq2_xxs search: sigma2 = mean square
    static constexpr int kCodeRadius = 1; // 0: 0.980 of ggml's error on tests/iq-lattice's t(4) matrix
    static const Lattice &lattice(bool wide, int /*shift*/) {
        static const Lattice standard(&kIq2xxsGrid[0][0], kIq2xxsGridSize, kWidth, kIq2Levels, 3, 8);
        static const Lattice trellis(&kIq2xxsGrid[0][0], kIq2xxsGridSize, kWidth, kIq2Levels, 3, 16);
        return wide ? trellis : standard;
    }
};

void pack(const uint8_t *codes, const BlockChoice &c, Iq2xxsBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const SubBlockChoice &s = c.sub[ib];
        uint32_t aux = uint32_t(s.code) << 28;
        for (int l = 0; l < kGroups; ++l) {
            out.qs[8 * ib + l] = uint8_t(s.index[l]);
            aux |= uint32_t(codes[4 * ib + l]) << (7 * l);
        }
        for (int b = 0; b < 4; ++b) out.qs[8 * ib + 4 + b] = uint8_t(aux >> (8 * b));
    }
}

} // namespace

void quantize_iq2xxs(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    uint8_t codes[kBlock / 8];
    quantize_by_block<Iq2xxsBlock>("iq2_xxs", src, n_rows, n_cols, params, dst,
                             [&](const float *x, const float *importance, Iq2xxsBlock &out) {
                                 fill_weights(x, importance, Iq2xxsFormat::kSigmaFactor, kSubBlock, in);
                                 fill_parity_signs(x, in, codes);
                                 pack(codes, search_block<Iq2xxsFormat>(in, params.strategy), out);
                             });
}

void dequantize_iq2xxs(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq2xxsBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq2xxsBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            uint32_t aux = 0;
            for (int i = 0; i < 4; ++i) aux |= uint32_t(blk.qs[8 * ib + 4 + i]) << (8 * i);
            const float db = Iq2xxsFormat::sub_scale(d, int(aux >> 28));
            for (int l = 0; l < kGroups; ++l) {
                const uint8_t signs = sign_bits_of_code(aux >> (7 * l));
                const uint8_t *grid = kIq2xxsGrid[blk.qs[8 * ib + l]];
                for (int j = 0; j < 8; ++j) {
                    // ggml's "* -1" compiles to a negation: the same for finite values, and it flips a NaN's sign.
                    const float v = db * float(grid[j]);
                    y[ib * kSubBlock + 8 * l + j] = (signs >> j) & 1 ? -v : v;
                }
            }
        }
    }
}

} // namespace gmat::iqlattice
