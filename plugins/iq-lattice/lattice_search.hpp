// The block search shared by the 256-value lattice types: sub-blocks of
// kScaleValues values (one scale code each) in groups of kWidth grid values
// (iq3_s, iq3_xxs: 32 and 4; iq2_xxs: 32 and 8; iq2_xs, iq2_s: 16 and 8;
// iq1_s: 32 and 8; iq1_m: 16 and 8); sub-block scales by least squares over
// trial targets, then the block scale d, each sub-block's code at the stored
// scales and its points snapped again there; the block's error is exact at
// the values ggml decodes (README.md).
//
// A Format provides:
//   kWidth, kScaleValues           values per grid point, values per scale code
//   kSigmaFactor                   importance weights use sigma2 = kSigmaFactor * mean square
//   kShifts, kSigned               lattices (iq1_*: 2, the +-0.125 shift), and whether targets are
//                                  signed values (iq1_*) or magnitudes
//   kShiftPerGroup                 the lattice is chosen per group of kWidth values (iq1_m) rather
//                                  than per sub-block (iq1_s)
//   kMaxCode                       largest sub-block scale code
//   kCodeRadius                    standard snaps each sub-block again at the scales of the codes
//                                  within this of its best (0: that code's alone)
//   float sub_scale(float d, int c)  the decoder's float operations for d and code c
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
    double error = 0; // in the search's units
};

struct BlockChoice {
    uint16_t d = 0; // fp16 bits; 0 = every value decodes to 0
    SubBlockChoice sub[kMaxSubBlocks];
    double error = 0; // sum w (a - decoded)^2 (the search's units until it is chosen)
};

// Weights as ggml's importance-aware searches define them, w = importance *
// sqrt(sigma_factor * mean square + x^2) (w = 1 without importance); a
// sub-block of `sub_block` values whose weights are all zero gets w = 1.
inline void fill_weights(const float *x, const float *importance, double sigma_factor, int sub_block,
                         BlockInput &in) {
    double sums[4] = {}; // four lanes, so the additions need not wait on each other
    for (int i = 0; i < kBlock; i += 4)
        for (int k = 0; k < 4; ++k) sums[k] += double(x[i + k]) * x[i + k];
    const double sigma2 = sigma_factor * ((sums[0] + sums[1]) + (sums[2] + sums[3])) / kBlock;
    if (importance) // two loops, so the square roots vectorise
        for (int i = 0; i < kBlock; ++i) in.w[i] = importance[i] * std::sqrt(sigma2 + double(x[i]) * x[i]);
    else
        std::fill(in.w, in.w + kBlock, 1.0);
    for (int first = 0; first < kBlock; first += sub_block) {
        double total = 0;
        for (int i = first; i < first + sub_block; ++i) total += in.w[i];
        if (!(total > 0))
            for (int i = first; i < first + sub_block; ++i) in.w[i] = 1.0;
    }
}

// Signs kept as they are (iq3_s, iq2_s): a = |x|, bit k % 8 of signs[k / 8] set for x < 0.
inline void fill_free_signs(const float *x, BlockInput &in, uint8_t *signs) {
    for (int i = 0; i < kBlock; ++i) in.a[i] = std::fabs(double(x[i]));
    for (int k = 0; k < kBlock / 8; ++k) { // without a branch on the sign, which is a coin toss
        uint32_t bits = 0;
        for (int j = 0; j < 8; ++j) bits |= uint32_t(x[8 * k + j] < 0) << j;
        signs[k] = uint8_t(bits);
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
        double least = 0;
        for (int i = 8 * k; i < 8 * k + 8; ++i) { // no branch on the sign, which is a coin toss
            in.a[i] = std::fabs(double(x[i]));
            const uint32_t negative = x[i] < 0;
            bits |= negative << (i - 8 * k), parity ^= negative;
            const double cost = in.w[i] * in.a[i] * in.a[i];
            if (i == 8 * k || cost < least) least = cost, cheapest = i;
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
    // The search runs on the block scaled to |a| <= 1 and w <= 1 in float,
    // so its lattice kernels need no care for 1e30 or 1e-30 inputs; the
    // errors it reports are exact, in double, at the values ggml decodes.
    LatticeSearch(const BlockInput &in, const SearchOptions &o) : in_(in), o_(o) {
        for (int s = 0; s < Format::kShifts; ++s) lat_[s] = &Format::lattice(o.wide_lattice, s);
        double amax[4] = {}, wmax[4] = {}; // four lanes, so the maxima need not wait on each other
        for (int i = 0; i < kBlock; ++i)
            amax[i % 4] = std::max(amax[i % 4], std::fabs(in.a[i])), wmax[i % 4] = std::max(wmax[i % 4], in.w[i]);
        amax_ = std::max(std::max(amax[0], amax[1]), std::max(amax[2], amax[3]));
        const double wmax_all = std::max(std::max(wmax[0], wmax[1]), std::max(wmax[2], wmax[3]));
        const double to_a = amax_ > 0 ? 1 / amax_ : 0, to_w = wmax_all > 0 ? 1 / wmax_all : 0;
        for (int i = 0; i < kBlock; ++i) a_[i] = float(in.a[i] * to_a), w_[i] = float(in.w[i] * to_w);
    }

    BlockChoice run() {
        BlockChoice zero; // d = 0
        zero.error = zero_error();
        if (!(amax_ > 0) || !std::isfinite(amax_)) return zero;
        fit_sub_blocks();
        double max_scale = 0;
        for (int ib = 0; ib < kSubBlocks; ++ib) max_scale = std::max(max_scale, fit_[ib].scale);
        if (max_scale == 0) return zero;
        BlockChoice best; // d factors compare by the search's error, the winner gets the exact one
        bool have = false;
        uint16_t last_bits = 0;
        for (int f = 0; f < o_.d_factors; ++f) {
            const double factor = o_.d_low + (o_.d_high - o_.d_low) * f / std::max(1, o_.d_factors - 1);
            // Saturated at the largest finite half, so a block never holds an infinite scale.
            const double d = std::min(max_scale * amax_ / Format::top_multiplier * factor, 65504.0);
            const uint16_t bits = quant::fp32_to_fp16(float(d));
            if (bits == last_bits || !(quant::fp16_to_fp32(bits) > 0)) continue;
            last_bits = bits;
            const BlockChoice c = choose_codes(bits);
            if (!have || c.error < best.error) best = c, have = true;
        }
        if (!have) return zero;
        best.error = exact_error(best);
        return best.error < zero.error ? best : zero;
    }

private:
    // A sub-block's points at its least-squares scale, with the sums that
    // give its squared error at any scale s: aa - 2 s qa + s^2 q2.
    struct Fit {
        double scale = 0, qa = 0, q2 = 0, aa = 0;
        int shift = 0; // the lattice the scale search chose (iq1_s)
        uint16_t index[kMaxGroups] = {};
        uint8_t shifts[kMaxGroups] = {};
    };

    const BlockInput &in_;
    const SearchOptions &o_;
    const Lattice *lat_[2] = {};
    double amax_ = 0;
    alignas(32) float a_[kBlock];
    alignas(32) float w_[kBlock];
    Fit fit_[kSubBlocks];

    // Lattices a sub-block's search tries one after the other: every one, or
    // just one pass when each group picks its own.
    static constexpr int kSubBlockShifts = Format::kShiftPerGroup ? 1 : Format::kShifts;
    // With a shift per group the largest value's group may sit on either
    // lattice (iq1_m: top level 7 or 9 eighths of the nominal 8), so the
    // trial targets stretch by those ratios.
    const double target_low_ = o_.target_low * (Format::kShiftPerGroup ? 7.0 / 8 : 1.0);
    const double target_high_ = o_.target_high * (Format::kShiftPerGroup ? 9.0 / 8 : 1.0);

    // A snap of sub-block ib's groups at `scale` into index and shifts.
    SnapRequest request(int ib, double scale, uint16_t *index, uint8_t *shifts) const {
        SnapRequest r;
        r.first = ib * kSubBlock, r.inv = float(1 / scale), r.index = index, r.shift = shifts;
        return r;
    }

    // Runs the snaps on lattice `shift` (or each group on its better lattice,
    // kShiftPerGroup), all in one kernel call so the sub-blocks' searches overlap.
    void snap(int shift, SnapRequest *requests, int n) const {
        lat_[shift]->snap(Format::kShiftPerGroup ? lat_[1] : nullptr, a_, w_, kGroups, requests, n);
        if (!Format::kShiftPerGroup)
            for (int k = 0; k < n; ++k) std::fill(requests[k].shift, requests[k].shift + kGroups, uint8_t(shift));
    }

    // Every sub-block's least-squares scale over the trial targets (and
    // lattices, iq1_s), with its points; each step snaps all sub-blocks at once.
    void fit_sub_blocks() {
        float max[kSubBlocks];
        double best_score[kSubBlocks];
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            fit_[ib] = Fit{}, max[ib] = 0, best_score[ib] = -1;
            for (int i = ib * kSubBlock; i < (ib + 1) * kSubBlock; ++i) {
                max[ib] = std::max(max[ib], Format::kSigned ? std::fabs(a_[i]) : a_[i]);
                fit_[ib].aa += double(w_[i]) * a_[i] * a_[i];
            }
        }
        for (int shift = 0; shift < kSubBlockShifts; ++shift) {
            // This lattice's trial targets, then its best trial's points at
            // their least-squares scale while that helps (refitting every
            // trial gained little for its snaps).
            // Per sub-block two slots, swapped when a trial is its best so far
            // rather than copied (the kernel has just written the points).
            Fit slots[2][kSubBlocks], *best[kSubBlocks], *trial[kSubBlocks];
            double lattice_score[kSubBlocks];
            SnapRequest requests[kSubBlocks];
            int ibs[kSubBlocks], n = 0;
            const auto keep_if_better = [&](int ib, const SnapSums &sums) { // when its score is the lattice's best
                Fit &t = *trial[ib];
                t.qa = sums.qa, t.q2 = sums.q2;
                if (!(t.q2 > 0) || !(t.qa > 0)) return false;
                const double score = t.qa * t.qa / t.q2;
                if (!(score > lattice_score[ib])) return false;
                lattice_score[ib] = score;
                t.scale = t.qa / t.q2, t.shift = shift, t.aa = fit_[ib].aa;
                std::swap(best[ib], trial[ib]);
                return true;
            };
            for (int ib = 0; ib < kSubBlocks; ++ib)
                lattice_score[ib] = -1, best[ib] = &slots[0][ib], trial[ib] = &slots[1][ib];
            for (int t = 0; t < o_.targets; ++t) {
                const double target = target_low_ + (target_high_ - target_low_) * t / std::max(1, o_.targets - 1);
                n = 0;
                for (int ib = 0; ib < kSubBlocks; ++ib)
                    if (max[ib] != 0)
                        ibs[n] = ib, requests[n++] = request(ib, max[ib] / (target * Format::grid_unit),
                                                             trial[ib]->index, trial[ib]->shifts);
                snap(shift, requests, n);
                for (int k = 0; k < n; ++k) keep_if_better(ibs[k], requests[k].sums);
            }
            bool refitting[kSubBlocks];
            for (int ib = 0; ib < kSubBlocks; ++ib) refitting[ib] = max[ib] != 0;
            for (int refit = 0; refit < o_.refits; ++refit) {
                n = 0;
                for (int ib = 0; ib < kSubBlocks; ++ib)
                    if (refitting[ib] && lattice_score[ib] > 0)
                        ibs[n] = ib, requests[n++] = request(ib, best[ib]->scale, trial[ib]->index, trial[ib]->shifts);
                if (n == 0) break;
                snap(shift, requests, n);
                for (int k = 0; k < n; ++k) refitting[ibs[k]] = keep_if_better(ibs[k], requests[k].sums);
            }
            for (int ib = 0; ib < kSubBlocks; ++ib)
                if (lattice_score[ib] > best_score[ib]) best_score[ib] = lattice_score[ib], fit_[ib] = *best[ib];
        }
    }

    // The code whose scale (scales[c], in the search's units) gives points
    // with sums qa, q2 the least squared error, and that error. The error
    // aa - 2 s qa + s^2 q2 is a parabola in the scale s, so code c + 1 beats
    // code c exactly when (s_c + s_c+1) q2 < 2 qa, and the best code is the
    // number of such c: no division (the least-squares scale qa / q2 would
    // take two that every later comparison waits for).
    int best_code(const double *scales, double aa, double qa, double q2, double &error) const {
        int code = 0;
        for (int c = 0; c < Format::kMaxCode; ++c) code += (scales[c] + scales[c + 1]) * q2 < 2 * qa;
        error = aa - 2 * scales[code] * qa + scales[code] * scales[code] * q2;
        return code;
    }

    // Every sub-block's code at block scale d: the best for its fitted
    // points, then the points snapped again at the scale of that code (and,
    // code_radius > 0, of its neighbours; trellis: on every lattice), each
    // snap with its own best code.
    BlockChoice choose_codes(uint16_t d_bits) const {
        BlockChoice block;
        block.d = d_bits;
        const float d = quant::fp16_to_fp32(d_bits);
        double scales[Format::kMaxCode + 1];
        for (int c = 0; c <= Format::kMaxCode; ++c) scales[c] = double(Format::sub_scale(d, c)) / amax_;
        // Per sub-block its best choice so far and a slot for the next snap,
        // swapped rather than copied when the snap is better.
        SubBlockChoice slots[2][kSubBlocks], *best[kSubBlocks], *spare[kSubBlocks];
        int centre[kSubBlocks];
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const Fit &fit = fit_[ib];
            best[ib] = &slots[0][ib], spare[ib] = &slots[1][ib];
            best[ib]->code = centre[ib] = best_code(scales, fit.aa, fit.qa, fit.q2, best[ib]->error);
            std::copy(fit.index, fit.index + kGroups, best[ib]->index);
            std::copy(fit.shifts, fit.shifts + kGroups, best[ib]->shift);
        }
        // Each code offset on each lattice is one kernel call over the sub-blocks it applies to.
        SnapRequest requests[kSubBlocks];
        int ibs[kSubBlocks];
        for (int s = 0; s < kSubBlockShifts; ++s)
            for (int offset = -o_.code_radius; offset <= o_.code_radius; ++offset) {
                int n = 0;
                for (int ib = 0; ib < kSubBlocks; ++ib) {
                    const int code = centre[ib] + offset;
                    if ((s != fit_[ib].shift && !o_.wide_lattice) || code < 0 || code > Format::kMaxCode) continue;
                    ibs[n] = ib, requests[n++] = request(ib, scales[code], spare[ib]->index, spare[ib]->shift);
                }
                snap(s, requests, n);
                for (int k = 0; k < n; ++k) {
                    const int ib = ibs[k];
                    SubBlockChoice &c = *spare[ib];
                    c.code = best_code(scales, fit_[ib].aa, requests[k].sums.qa, requests[k].sums.q2, c.error);
                    if (c.error < best[ib]->error) std::swap(best[ib], spare[ib]);
                }
            }
        for (int ib = 0; ib < kSubBlocks; ++ib) block.sub[ib] = *best[ib], block.error += best[ib]->error;
        return block;
    }

    // exact_error of the block of zeros (d = 0), sum w a^2, without looking up its points.
    double zero_error() const {
        double error[kWidth] = {};
        for (int first = 0; first < kBlock; first += kWidth)
            for (int j = 0; j < kWidth; ++j) error[j] += in_.w[first + j] * in_.a[first + j] * in_.a[first + j];
        double total = 0;
        for (int j = 0; j < kWidth; ++j) total += error[j];
        return total;
    }

    // sum w (a - y)^2 over the block, y the values ggml decodes from `c`
    // (summed per position in the group, so the sums need not wait on each other).
    double exact_error(const BlockChoice &c) const {
        const float d = quant::fp16_to_fp32(c.d);
        double error[kWidth] = {};
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const float db = c.d ? Format::sub_scale(d, c.sub[ib].code) : 0.0f;
            for (int g = 0; g < kGroups; ++g) {
                const int8_t *p = lat_[c.sub[ib].shift[g]]->point(c.sub[ib].index[g]);
                const int first = ib * kSubBlock + g * kWidth;
                float y[kWidth]; // the decoded values first, so both loops vectorise
                for (int j = 0; j < kWidth; ++j) y[j] = db * float(p[j]);
                for (int j = 0; j < kWidth; ++j) {
                    const double e = in_.a[first + j] - double(y[j]);
                    error[j] += in_.w[first + j] * e * e;
                }
            }
        }
        double total = 0;
        for (int j = 0; j < kWidth; ++j) total += error[j];
        return total;
    }
};

// The standard search, and for trellis the better of it and the wider one, block by block.
template <class Format>
BlockChoice search_block(const BlockInput &in, gmat_scale_strategy strategy) {
    static const SearchOptions standard = search_options(GMAT_SCALE_STANDARD, Format::kCodeRadius);
    static const SearchOptions trellis = search_options(GMAT_SCALE_TRELLIS, Format::kCodeRadius);
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
