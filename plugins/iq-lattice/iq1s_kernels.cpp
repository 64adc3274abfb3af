#include "iq1s_kernels.hpp"

#include "iq1_format.hpp"
#include "iq1s_format.hpp"
#include "lattice_search.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iqlattice {
namespace {

constexpr int kSubBlock = 32, kSubBlocks = 8, kGroups = 4;

struct Iq1sFormat : Iq1Scale {
    static constexpr int kScaleValues = kSubBlock;
    static constexpr bool kShiftPerGroup = false; // one shift per sub-block
};

void pack(const BlockChoice &c, Iq1sBlock &out) {
    std::memset(&out, 0, sizeof out);
    out.d = c.d;
    if (c.d == 0) return;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const SubBlockChoice &s = c.sub[ib];
        uint32_t h = uint32_t(s.code) << 12 | uint32_t(s.shift[0]) << 15;
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
