#include "iq3s_kernels.hpp"

#include "iq3s_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 32, kSubBlocks = 8, kGroup = 4, kGroups = 8;

struct Iq3sFormat {
    static constexpr int kWidth = kGroup, kScaleValues = kSubBlock, kShifts = 1;
    static constexpr bool kSigned = false, kShiftPerGroup = false;
    static constexpr double kSigmaFactor = 2.0;
    static constexpr int kCodeRadius = 0;
    static constexpr int kMaxCode = kIq3sMaxCode;
    static constexpr double top_multiplier = 2 * kIq3sMaxCode + 1;
    static constexpr double grid_unit = 1.0; // grid values are 1, 3, ..., 15
    static float sub_scale(float d, int code) { return d * float(1 + 2 * code); }
    static const Lattice &lattice(bool wide, int /*shift*/) {
        static constexpr int kLevels[8] = {1, 3, 5, 7, 9, 11, 13, 15};
        static const Lattice standard(&kIq3sGrid[0][0], kIq3sGridSize, kGroup, kLevels, 8, 8);
        static const Lattice trellis(&kIq3sGrid[0][0], kIq3sGridSize, kGroup, kLevels, 8, 16);
        return wide ? trellis : standard;
    }
};

// Magnitudes to search and the sign bits (each value keeps its own sign).
void fill_input(const float *x, const float *importance, BlockInput &in, uint8_t *signs) {
    fill_free_signs(x, in, signs);
    fill_weights(x, importance, Iq3sFormat::kSigmaFactor, kSubBlock, in);
}

void pack(const uint8_t *signs, const BlockChoice &c, Iq3sBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    std::memcpy(out.signs, signs, sizeof out.signs);
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const SubBlockChoice &s = c.sub[ib];
        out.scales[ib / 2] |= uint8_t(s.code << (4 * (ib % 2)));
        for (int g = 0; g < kGroups; ++g) {
            out.qs[ib * kGroups + g] = uint8_t(s.index[g] & 255);
            out.qh[ib] |= uint8_t((s.index[g] >> 8) << g);
        }
    }
}

} // namespace

void quantize_iq3s(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    uint8_t signs[kBlock / 8];
    quantize_by_block<Iq3sBlock>("iq3_s", src, n_rows, n_cols, params, dst,
                             [&](const float *x, const float *importance, Iq3sBlock &out) {
                                 fill_input(x, importance, in, signs);
                                 pack(signs, search_block<Iq3sFormat>(in, params.strategy), out);
                             });
}

void dequantize_iq3s(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq3sBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq3sBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const float db = Iq3sFormat::sub_scale(d, (blk.scales[ib / 2] >> (4 * (ib % 2))) & 15);
            for (int g = 0; g < kGroups; ++g) {
                const int index = blk.qs[ib * kGroups + g] | (((blk.qh[ib] >> g) & 1) << 8);
                for (int j = 0; j < kGroup; ++j) {
                    const int k = ib * kSubBlock + g * kGroup + j;
                    // ggml's "* -1" compiles to a negation: the same for finite values, and it flips a NaN's sign.
                    const float v = db * float(kIq3sGrid[index][j]);
                    y[k] = (blk.signs[k / 8] >> (k % 8)) & 1 ? -v : v;
                }
            }
        }
    }
}

} // namespace gmat::iqlattice
