// The block search shared by the 256-value lattice types: sub-blocks of
// kScaleValues values (one scale code each) in groups of kWidth grid values
// (iq3_s, iq3_xxs: 32 and 4; iq2_xxs: 32 and 8; iq2_xs, iq2_s: 16 and 8;
// iq1_s: 32 and 8; iq1_m: 16 and 8); sub-block scales by least squares over
// trial targets, then the block scale d and each sub-block's code scored
// exactly at the values ggml decodes (README.md).
//
// A Format provides:
//   kWidth, kScaleValues           values per grid point, values per scale code
//   kSigmaFactor                   importance weights use sigma2 = kSigmaFactor * mean square
//   kShifts, kSigned               lattices (iq1_*: 2, the +-0.125 shift), and whether targets are
//                                  signed values (iq1_*) or magnitudes
//   kShiftPerGroup                 the lattice is chosen per group of kWidth values (iq1_m) rather
//                                  than per sub-block (iq1_s)
//   kEveryCode                     each sub-block scores every code at each d, not only those near
//                                  its least-squares scale (iq1_m)
//   kMaxCode                       largest sub-block scale code
//   float sub_scale(float d, int c)  the decoder's float operations for d and code c
//   double code_of(double s, double d)  the code (unrounded) whose scale is s
//   double top_multiplier          sub_scale(d, kMaxCode) / d
//   const Lattice &lattice(bool wide, int shift)
#pragma once

#include "lattice.hpp"
#include "search_options.hpp"

#include <gmat_quant/half.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kBlock = 256;
inline constexpr int kMaxSubBlocks = 16, kMaxGroups = 8; // per block, per sub-block

// One 256-value block being searched: targets (|x|, or -|x| for a value whose
// stored sign cannot be its own) and weights.
struct BlockInput {
    double a[kBlock];
    double w[kBlock];
};

struct SubBlockChoice {
    int code = 0;
    uint8_t shift[kMaxGroups] = {}; // per group: which of the format's lattices
    uint16_t index[kMaxGroups] = {};
    double error = 0;
};

struct BlockChoice {
    uint16_t d = 0; // fp16 bits; 0 = every value decodes to 0
    SubBlockChoice sub[kMaxSubBlocks];
    double error = 0;
};

// Weights as ggml's importance-aware searches define them, w = importance *
// sqrt(sigma_factor * mean square + x^2) (w = 1 without importance); a
// sub-block of `sub_block` values whose weights are all zero gets w = 1.
inline void fill_weights(const float *x, const float *importance, double sigma_factor, int sub_block,
                         BlockInput &in) {
    double sumx2 = 0;
    for (int i = 0; i < kBlock; ++i) sumx2 += double(x[i]) * x[i];
    const double sigma2 = sigma_factor * sumx2 / kBlock;
    for (int i = 0; i < kBlock; ++i)
        in.w[i] = importance ? importance[i] * std::sqrt(sigma2 + double(x[i]) * x[i]) : 1.0;
    for (int first = 0; first < kBlock; first += sub_block) {
        double total = 0;
        for (int i = first; i < first + sub_block; ++i) total += in.w[i];
        if (!(total > 0))
            for (int i = first; i < first + sub_block; ++i) in.w[i] = 1.0;
    }
}

// Signs kept as they are (iq3_s, iq2_s): a = |x|, bit k % 8 of signs[k / 8] set for x < 0.
inline void fill_free_signs(const float *x, BlockInput &in, uint8_t *signs) {
    for (int i = 0; i < kBlock / 8; ++i) signs[i] = 0;
    for (int i = 0; i < kBlock; ++i) {
        in.a[i] = std::fabs(double(x[i]));
        if (x[i] < 0) signs[i / 8] |= uint8_t(1u << (i % 8));
    }
}

// 7-bit sign codes with an even number of minus signs per 8 values (iq3_xxs,
// iq2_xxs, iq2_xs), as ggml's sign tables define them: when x has an odd
// number, the value where a wrong sign costs least (smallest w x^2) keeps the
// other sign and is searched as -|x|, so the grid picks its smallest level
// for it. Needs in.w filled.
inline void fill_parity_signs(const float *x, BlockInput &in, uint8_t *codes) {
    for (int k = 0; k < kBlock / 8; ++k) {
        uint32_t bits = 0, parity = 0;
        int cheapest = 8 * k;
        for (int i = 8 * k; i < 8 * k + 8; ++i) {
            in.a[i] = std::fabs(double(x[i]));
            if (x[i] < 0) bits |= 1u << (i - 8 * k), parity ^= 1;
            if (in.w[i] * in.a[i] * in.a[i] < in.w[cheapest] * in.a[cheapest] * in.a[cheapest]) cheapest = i;
        }
        if (parity) {
            bits ^= 1u << (cheapest - 8 * k);
            in.a[cheapest] = -in.a[cheapest];
        }
        codes[k] = uint8_t(bits & 127);
    }
}

template <class Format>
class LatticeSearch {
    static constexpr int kWidth = Format::kWidth, kSubBlock = Format::kScaleValues;
    static constexpr int kSubBlocks = kBlock / kSubBlock, kGroups = kSubBlock / kWidth;
    static_assert(kSubBlocks <= kMaxSubBlocks && kGroups <= kMaxGroups, "sub-block shape too large");

public:
    LatticeSearch(const BlockInput &in, const SearchOptions &o) : in_(in), o_(o) {
        for (int s = 0; s < Format::kShifts; ++s) lat_[s] = &Format::lattice(o.wide_lattice, s);
    }

    BlockChoice run() const {
        double scales[kSubBlocks];
        int shifts[kSubBlocks];
        double max_scale = 0;
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            scales[ib] = sub_block_scale(ib, shifts[ib]);
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
            const BlockChoice c = score_block(scales, shifts, bits);
            if (c.error < best.error) best = c;
        }
        return best;
    }

private:
    const BlockInput &in_;
    const SearchOptions &o_;
    const Lattice *lat_[2] = {};

    // Lattices a sub-block's search tries one after the other: every one, or
    // just one pass when each group picks its own.
    static constexpr int kSubBlockShifts = Format::kShiftPerGroup ? 1 : Format::kShifts;
    // With a shift per group the largest value's group may sit on either
    // lattice (iq1_m: top level 7 or 9 eighths of the nominal 8), so the
    // trial targets stretch by those ratios.
    const double target_low_ = o_.target_low * (Format::kShiftPerGroup ? 7.0 / 8 : 1.0);
    const double target_high_ = o_.target_high * (Format::kShiftPerGroup ? 9.0 / 8 : 1.0);

    // The group's nearest point on each lattice, the one with the smaller weighted error at `scale`.
    int nearest_on_any_lattice(int first, double scale, double inv, uint8_t &shift) const {
        int best = 0;
        double best_error = -1;
        for (int s = 0; s < Format::kShifts; ++s) {
            const int idx = lat_[s]->nearest(in_.a + first, in_.w + first, scale, inv);
            const int16_t *p = lat_[s]->point(idx);
            double error = 0;
            for (int j = 0; j < kWidth; ++j) {
                const double e = in_.a[first + j] - scale * p[j];
                error += in_.w[first + j] * e * e;
            }
            if (best_error < 0 || error < best_error) best_error = error, best = idx, shift = uint8_t(s);
        }
        return best;
    }

    // Snaps the groups of sub-block ib at `scale` on lattice `shift` (or each
    // on its best lattice, kShiftPerGroup); returns sum w q a and sum w q^2.
    void snap(int ib, double scale, int shift, uint16_t *index, uint8_t *shifts, double &sumqa, double &sumq2) const {
        sumqa = sumq2 = 0;
        const double inv = 1.0 / scale;
        for (int g = 0; g < kGroups; ++g) {
            const int first = ib * kSubBlock + g * kWidth;
            shifts[g] = uint8_t(shift);
            const int idx = Format::kShiftPerGroup ? nearest_on_any_lattice(first, scale, inv, shifts[g])
                                                   : lat_[shift]->nearest(in_.a + first, in_.w + first, scale, inv);
            index[g] = uint16_t(idx);
            const int16_t *p = lat_[shifts[g]]->point(idx);
            for (int j = 0; j < kWidth; ++j) {
                sumqa += in_.w[first + j] * p[j] * in_.a[first + j];
                sumq2 += in_.w[first + j] * double(p[j]) * p[j];
            }
        }
    }

    // The least-squares scale of sub-block ib and the lattice (shift) it is best on.
    double sub_block_scale(int ib, int &best_shift) const {
        double max = 0;
        for (int i = ib * kSubBlock; i < (ib + 1) * kSubBlock; ++i)
            max = std::max(max, Format::kSigned ? std::fabs(in_.a[i]) : in_.a[i]);
        best_shift = 0;
        if (max == 0) return 0;
        double best_scale = 0, best_score = -1;
        uint16_t index[kMaxGroups];
        uint8_t shifts[kMaxGroups];
        for (int shift = 0; shift < kSubBlockShifts; ++shift) {
            for (int t = 0; t < o_.targets; ++t) {
                const double target = target_low_ + (target_high_ - target_low_) * t / std::max(1, o_.targets - 1);
                double scale = max / (target * Format::grid_unit);
                for (int refit = 0; refit <= o_.refits; ++refit) {
                    double sumqa, sumq2;
                    snap(ib, scale, shift, index, shifts, sumqa, sumq2);
                    if (!(sumq2 > 0) || !(sumqa > 0)) break;
                    const double score = sumqa * sumqa / sumq2;
                    if (score > best_score) best_score = score, best_scale = sumqa / sumq2, best_shift = shift;
                    scale = sumqa / sumq2;
                }
            }
        }
        return best_scale;
    }

    // Exact weighted error of sub-block ib with fp16 scale d and `code`, at the values ggml decodes.
    SubBlockChoice score_code(int ib, float d, int code, int shift) const {
        SubBlockChoice c;
        c.code = code;
        const float db = Format::sub_scale(d, code);
        double sumqa, sumq2;
        snap(ib, double(db), shift, c.index, c.shift, sumqa, sumq2);
        for (int g = 0; g < kGroups; ++g) {
            const int16_t *p = lat_[c.shift[g]]->point(c.index[g]);
            for (int j = 0; j < kWidth; ++j) {
                const int i = ib * kSubBlock + g * kWidth + j;
                const double e = in_.a[i] - double(db * float(p[j]));
                c.error += in_.w[i] * e * e;
            }
        }
        return c;
    }

    // trellis (the wide lattice) also tries the other shift of every sub-block (iq1_s).
    BlockChoice score_block(const double *scales, const int *shifts, uint16_t d_bits) const {
        BlockChoice block;
        block.d = d_bits;
        const float d = quant::fp16_to_fp32(d_bits);
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const int centre = std::clamp(int(std::lround(Format::code_of(scales[ib], d))), 0, Format::kMaxCode);
            SubBlockChoice best;
            bool have = false;
            const int radius = Format::kEveryCode ? Format::kMaxCode : o_.code_radius;
            for (int s = 0; s < kSubBlockShifts; ++s) {
                if (s != shifts[ib] && !o_.wide_lattice) continue;
                for (int code = std::max(0, centre - radius); code <= std::min(Format::kMaxCode, centre + radius);
                     ++code) {
                    const SubBlockChoice c = score_code(ib, d, code, s);
                    if (!have || c.error < best.error) best = c, have = true;
                }
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

// The kernels' outer loop: checks the parameters, then hands each 256-value
// block of each row, with its importance slice (or null), to quantize_block
// along with the block it writes, in output order.
template <class Block, class QuantizeBlock>
void quantize_by_block(const char *type, const float *src, uint64_t n_rows, uint64_t n_cols,
                       const sdk::QuantParams &params, void *dst, QuantizeBlock &&quantize_block) {
    check_params(type, params, n_cols);
    auto *out = static_cast<Block *>(dst);
    for (uint64_t r = 0; r < n_rows; ++r)
        for (uint64_t b = 0; b < n_cols / kBlock; ++b)
            quantize_block(src + r * n_cols + b * kBlock, params.importance ? params.importance + b * kBlock : nullptr,
                           *out++);
}

} // namespace gmat::iqlattice
