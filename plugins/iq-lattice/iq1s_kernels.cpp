#include "iq1s_kernels.hpp"

#include "iq1s_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 32, kSubBlocks = 8, kGroups = 4;

// The search works in eighths: the lattice of shift 0 (delta +0.125) holds
// 8 * grid + 1 (levels -7, 1, 9), that of shift 1 (delta -0.125) 8 * grid - 1,
// and a sub-block's scale is d * (2c + 1) / 8; the products are the values
// ggml decodes, d * (2c + 1) * (grid + delta), bit for bit (a power of two
// moves between the factors).
struct Iq1sFormat {
    static constexpr int kWidth = 8, kScaleValues = kSubBlock, kShifts = 2;
    static constexpr bool kSigned = true;
    static constexpr double kSigmaFactor = 2.0; // ggml's iq1_s search: sigma2 = twice the mean square
    static constexpr int kMaxCode = 7;
    static constexpr double top_multiplier = (2 * kMaxCode + 1) / 8.0;
    static constexpr double grid_unit = 8.0 / 15; // level +-1 (8 eighths) at the search's nominal target 15
    static float sub_scale(float d, int code) { return d * float(2 * code + 1) * 0.125f; }
    static double code_of(double s, double d) { return (8 * s / d - 1) / 2; }
    static const Lattice &lattice(bool wide, int shift) {
        static constexpr int kPlus[3] = {-7, 1, 9}, kMinus[3] = {-9, -1, 7};
        static const Lattice lattices[2][2] = {
            {Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, 1, kPlus, 3, 8),
             Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, -1, kMinus, 3, 8)},
            {Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, 1, kPlus, 3, 16),
             Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, -1, kMinus, 3, 16)}};
        return lattices[wide ? 1 : 0][shift];
    }
};

void pack(const BlockChoice &c, Iq1sBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const SubBlockChoice &s = c.sub[ib];
        uint32_t h = uint32_t(s.code) << 12 | uint32_t(s.shift) << 15;
        for (int l = 0; l < kGroups; ++l) {
            out.qs[4 * ib + l] = uint8_t(s.index[l] & 255);
            h |= uint32_t(s.index[l] >> 8) << (3 * l);
        }
        out.qh[2 * ib] = uint8_t(h & 255);
        out.qh[2 * ib + 1] = uint8_t(h >> 8);
    }
}

} // namespace

void quantize_iq1s(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    BlockInput in;
    quantize_by_block<Iq1sBlock>("iq1_s", src, n_rows, n_cols, params, dst,
                                 [&](const float *x, const float *importance, Iq1sBlock &out) {
                                     fill_weights(x, importance, Iq1sFormat::kSigmaFactor, kSubBlock, in);
                                     for (int i = 0; i < kBlock; ++i) in.a[i] = double(x[i]);
                                     pack(search_block<Iq1sFormat>(in, params.strategy), out);
                                 });
}

void dequantize_iq1s(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *blocks = static_cast<const Iq1sBlock *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        const Iq1sBlock &blk = blocks[b];
        const float d = quant::fp16_to_fp32(blk.d);
        float *y = dst + b * kBlock;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const uint32_t h = uint32_t(blk.qh[2 * ib]) | (uint32_t(blk.qh[2 * ib + 1]) << 8);
            const float dl = d * float(2 * ((h >> 12) & 7) + 1);
            const float delta = h & 0x8000 ? -0.125f : 0.125f;
            for (int l = 0; l < kGroups; ++l) {
                const int8_t *grid = kIq1sGrid[blk.qs[4 * ib + l] | (((h >> (3 * l)) & 7) << 8)];
                for (int j = 0; j < 8; ++j) y[ib * kSubBlock + 8 * l + j] = dl * (float(grid[j]) + delta);
            }
        }
    }
}

} // namespace gmat::iqlattice
