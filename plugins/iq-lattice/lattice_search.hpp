// The block search shared by the 256-value lattice types whose sub-blocks are
// 32 values in 8 groups of 4 grid values (iq3_s, iq3_xxs): sub-block scales by
// least squares over trial targets, then the block scale d and each
// sub-block's code scored exactly at the values ggml decodes (README.md).
//
// A Format provides:
//   kMaxCode                       largest sub-block scale code
//   float sub_scale(float d, int c)  the decoder's float operations for d and code c
//   double code_of(double s, double d)  the code (unrounded) whose scale is s
//   double top_multiplier          sub_scale(d, kMaxCode) / d
//   const Lattice &lattice(bool wide)
#pragma once

#include "lattice.hpp"
#include "search_options.hpp"

#include <gmat_quant/half.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kBlock = 256, kSubBlock = 32, kSubBlocks = 8, kGroup = 4, kGroups = 8;

// One 256-value block being searched: targets (|x|, or -|x| for a value whose
// stored sign cannot be its own) and weights.
struct BlockInput {
    double a[kBlock];
    double w[kBlock];
};

struct SubBlockChoice {
    int code = 0;
    uint16_t index[kGroups] = {};
    double error = 0;
};

struct BlockChoice {
    uint16_t d = 0; // fp16 bits; 0 = every value decodes to 0
    SubBlockChoice sub[kSubBlocks];
    double error = 0;
};

// Weights as ggml's importance-aware searches define them (w = 1 without importance);
// a sub-block whose weights are all zero gets w = 1.
inline void fill_weights(const float *x, const float *importance, BlockInput &in) {
    double sumx2 = 0;
    for (int i = 0; i < kBlock; ++i) sumx2 += double(x[i]) * x[i];
    const double sigma2 = 2 * sumx2 / kBlock;
    for (int i = 0; i < kBlock; ++i)
        in.w[i] = importance ? importance[i] * std::sqrt(sigma2 + double(x[i]) * x[i]) : 1.0;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        double total = 0;
        for (int i = ib * kSubBlock; i < (ib + 1) * kSubBlock; ++i) total += in.w[i];
        if (!(total > 0))
            for (int i = ib * kSubBlock; i < (ib + 1) * kSubBlock; ++i) in.w[i] = 1.0;
    }
}

template <class Format>
class LatticeSearch {
public:
    LatticeSearch(const BlockInput &in, const SearchOptions &o) : in_(in), o_(o), lat_(Format::lattice(o.wide_lattice)) {}

    BlockChoice run() const {
        double scales[kSubBlocks];
        double max_scale = 0;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            scales[ib] = sub_block_scale(ib);
            max_scale = std::max(max_scale, scales[ib]);
        }
        BlockChoice best; // d = 0
        for (int i = 0; i < kBlock; ++i) best.error += in_.w[i] * in_.a[i] * in_.a[i];
        if (max_scale == 0) return best;
        uint16_t last_bits = 0;
        for (int f = 0; f < o_.d_factors; ++f) {
            const double factor = o_.d_low + (o_.d_high - o_.d_low) * f / std::max(1, o_.d_factors - 1);
            // Saturated at the largest finite half, so a block never holds an infinite scale.
            const uint16_t bits = quant::fp32_to_fp16(float(std::min(max_scale / Format::top_multiplier * factor, 65504.0)));
            if (bits == last_bits || !(quant::fp16_to_fp32(bits) > 0)) continue;
            last_bits = bits;
            const BlockChoice c = score_block(scales, bits);
            if (c.error < best.error) best = c;
        }
        return best;
    }

private:
    const BlockInput &in_;
    const SearchOptions &o_;
    const Lattice &lat_;

    // Snaps the groups of sub-block ib at `scale`; returns sum w q a and sum w q^2.
    void snap(int ib, double scale, uint16_t *index, double &sumqa, double &sumq2) const {
        sumqa = sumq2 = 0;
        const double inv = 1.0 / scale;
        for (int g = 0; g < kGroups; ++g) {
            const int first = ib * kSubBlock + g * kGroup;
            const int idx = lat_.nearest(in_.a + first, in_.w + first, scale, inv);
            index[g] = uint16_t(idx);
            const uint8_t *p = lat_.point(idx);
            for (int j = 0; j < kGroup; ++j) {
                sumqa += in_.w[first + j] * p[j] * in_.a[first + j];
                sumq2 += in_.w[first + j] * double(p[j]) * p[j];
            }
        }
    }

    double sub_block_scale(int ib) const {
        double max = 0;
        for (int i = ib * kSubBlock; i < (ib + 1) * kSubBlock; ++i) max = std::max(max, in_.a[i]);
        if (max == 0) return 0;
        double best_scale = 0, best_score = -1;
        uint16_t index[kGroups];
        for (int t = 0; t < o_.targets; ++t) {
            const double target = o_.target_low + (o_.target_high - o_.target_low) * t / std::max(1, o_.targets - 1);
            double scale = max / (target * Format::grid_unit);
            for (int refit = 0; refit <= o_.refits; ++refit) {
                double sumqa, sumq2;
                snap(ib, scale, index, sumqa, sumq2);
                if (!(sumq2 > 0) || !(sumqa > 0)) break;
                const double score = sumqa * sumqa / sumq2;
                if (score > best_score) best_score = score, best_scale = sumqa / sumq2;
                scale = sumqa / sumq2;
            }
        }
        return best_scale;
    }

    // Exact weighted error of sub-block ib with fp16 scale d and `code`, at the values ggml decodes.
    SubBlockChoice score_code(int ib, float d, int code) const {
        SubBlockChoice c;
        c.code = code;
        const float db = Format::sub_scale(d, code);
        double sumqa, sumq2;
        snap(ib, double(db), c.index, sumqa, sumq2);
        for (int g = 0; g < kGroups; ++g) {
            const uint8_t *p = lat_.point(c.index[g]);
            for (int j = 0; j < kGroup; ++j) {
                const int i = ib * kSubBlock + g * kGroup + j;
                const double e = in_.a[i] - double(db * float(p[j]));
                c.error += in_.w[i] * e * e;
            }
        }
        return c;
    }

    BlockChoice score_block(const double *scales, uint16_t d_bits) const {
        BlockChoice block;
        block.d = d_bits;
        const float d = quant::fp16_to_fp32(d_bits);
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const int centre = std::clamp(int(std::lround(Format::code_of(scales[ib], d))), 0, Format::kMaxCode);
            SubBlockChoice best;
            bool have = false;
            for (int code = std::max(0, centre - o_.code_radius);
                 code <= std::min(Format::kMaxCode, centre + o_.code_radius); ++code) {
                const SubBlockChoice c = score_code(ib, d, code);
                if (!have || c.error < best.error) best = c, have = true;
            }
            block.sub[ib] = best;
            block.error += best.error;
        }
        return block;
    }
};

// The standard search, and for trellis the better of it and the wider one, block by block.
template <class Format>
BlockChoice search_block(const BlockInput &in, gmat_scale_strategy strategy) {
    static const SearchOptions standard = search_options(GMAT_SCALE_STANDARD);
    static const SearchOptions trellis = search_options(GMAT_SCALE_TRELLIS);
    BlockChoice best = LatticeSearch<Format>(in, standard).run();
    if (strategy == GMAT_SCALE_TRELLIS) {
        const BlockChoice more = LatticeSearch<Format>(in, trellis).run();
        if (more.error < best.error) best = more;
    }
    return best;
}

} // namespace gmat::iqlattice
