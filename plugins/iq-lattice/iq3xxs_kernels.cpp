#include "iq3xxs_kernels.hpp"

#include "iq3xxs_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 32, kSubBlocks = 8, kGroup = 4, kGroups = 8;

struct Iq3xxsFormat {
    static constexpr int kWidth = kGroup, kScaleValues = kSubBlock, kShifts = 1;
    static constexpr bool kSigned = false, kShiftPerGroup = false;
    static constexpr double kSigmaFactor = 2.0;
    static constexpr int kCodeRadius = 1; // 0: the stories15M KL of iq3_xxs 1.187x llama.cpp's, 1.156x with 1
    static constexpr int kMaxCode = kIq3xxsMaxCode;
    static constexpr double top_multiplier = (0.5 + kIq3xxsMaxCode) * 0.5;
    static constexpr double grid_unit = 4.0; // grid values 4, 12, ..., 52, 62: four times iq3_s's targets
    static float sub_scale(float d, int code) { return d * (0.5f + float(code)) * 0.5f; }
    static const Lattice &lattice(bool wide, int /*shift*/) {
        static constexpr int kLevels[8] = {4, 12, 20, 28, 36, 44, 52, 62};
        static const Lattice standard(&kIq3xxsGrid[0][0], kIq3xxsGridSize, kGroup, kLevels, 8, 8);
        static const Lattice trellis(&kIq3xxsGrid[0][0], kIq3xxsGridSize, kGroup, kLevels, 8, 16);
        return wide ? trellis : standard;
    }
};

// Magnitudes to search and the 7-bit sign code of every 8 values (even parity).
void fill_input(const float *x, const float *importance, BlockInput &in, uint8_t *codes) {
    fill_weights(x, importance, Iq3xxsFormat::kSigmaFactor, kSubBlock, in);
    fill_parity_signs(x, in, codes);
}

void pack(const uint8_t *codes, const BlockChoice &c, Iq3xxsBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const SubBlockChoice &s = c.sub[ib];
        uint32_t aux = uint32_t(s.code) << 28;
        for (int l = 0; l < 4; ++l) aux |= uint32_t(codes[4 * ib + l]) << (7 * l);
        for (int b = 0; b < 4; ++b) out.scales_and_signs[4 * ib + b] = uint8_t(aux >> (8 * b));
        for (int g = 0; g < kGroups; ++g) out.qs[ib * kGroups + g] = uint8_t(s.index[g]);
    }
}

} // namespace

void quantize_iq3xxs(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    uint8_t codes[kBlock / 8];
    quantize_by_block<Iq3xxsBlock>("iq3_xxs", src, n_rows, n_cols, params, dst,
                             [&](const float *x, const float *importance, Iq3xxsBlock &out) {
                                 fill_input(x, importance, in, codes);
                                 pack(codes, search_block<Iq3xxsFormat>(in, params.strategy), out);
                             });
}

void dequantize_iq3xxs(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq3xxsBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq3xxsBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            uint32_t aux = 0;
            for (int i = 0; i < 4; ++i) aux |= uint32_t(blk.scales_and_signs[4 * ib + i]) << (8 * i);
            const float db = Iq3xxsFormat::sub_scale(d, int(aux >> 28));
            for (int l = 0; l < 4; ++l) {
                const uint8_t signs = sign_bits_of_code(aux >> (7 * l));
                for (int h = 0; h < 2; ++h) {
                    const uint8_t *grid = kIq3xxsGrid[blk.qs[ib * kGroups + 2 * l + h]];
                    for (int j = 0; j < kGroup; ++j) {
                        // ggml's "* -1" compiles to a negation: the same for finite values, and it flips a NaN's sign.
                        const float v = db * float(grid[j]);
                        y[ib * kSubBlock + 8 * l + 4 * h + j] = (signs >> (4 * h + j)) & 1 ? -v : v;
                    }
                }
            }
        }
    }
}

} // namespace gmat::iqlattice
