// Eight blocks of 32 values side by side, one block per lane: x[i] holds
// value i of every block. The searches then work on eight blocks at once with
// lane-wise operations only, so every backend computes the same bits.
//
// Values are normalised by a power of two per lane (iq4_nl: per block) or
// per group (iq4_xs: the super-block shares one fp16 scale) so the largest
// magnitude lies in [1, 2): the sums of squares can neither overflow (1e30
// inputs) nor underflow (1e-30 inputs), and since scaling by 2^k is exact the
// search decides the same way at every magnitude. Lanes whose largest
// magnitude is zero or subnormal are zeroed: no fp16 scale can represent
// them anyway.
//
// Internal linkage: compiled once per SIMD backend (see kernels/kernel_set.hpp).
#pragma once

#include "lane_ops.hpp"

#include <gmat_quant/half.hpp>

#include <cstddef>
#include <cstdint>

namespace gmat::iquants {
namespace {

template <class S>
struct LaneGroup {
    using F = typename S::F;
    F x[kBlockValues];       // normalised values
    F w[kBlockValues];       // error weights (only when importance is used)
    typename S::M counted;   // true lanes count towards a shared scale's fit (iq4_xs)
    float to_original[8];    // 2^e per lane: normalised value * this = input value
    float to_normalised[8];  // 2^-e per lane (0 for a zeroed lane)
};

enum class Normalisation { per_lane, shared };

// 2^-e for the largest magnitude m in [2^e, 2^(e+1)); 0 when m is zero or subnormal.
GMAT_QUANT_INLINE void normalisation_factors(float magnitude, float &to_original, float &to_normalised) {
    const int biased = int(quant::float_bits(magnitude) >> 23);
    if (biased == 0) {
        to_original = 1.0f;
        to_normalised = 0.0f;
        return;
    }
    int e = biased - 127;
    e = e > 126 ? 126 : e; // keeps 2^-e a normal float
    to_original = quant::bits_float(uint32_t(127 + e) << 23);
    to_normalised = quant::bits_float(uint32_t(127 - e) << 23);
}

// Loads 8 blocks of 32 values from src (256 floats, block after block).
template <class S>
GMAT_QUANT_INLINE void load_transposed(const float *src, typename S::F *out) {
    for (int c = 0; c < kBlockValues; c += 8) LaneOps<S>::load_transposed_8x8(src + c, kBlockValues, out + c);
}

template <class S>
void load_values(const float *src, Normalisation normalisation, LaneGroup<S> &g) {
    load_transposed<S>(src, g.x);
    typename S::F magnitude = S::abs(g.x[0]);
    for (int i = 1; i < kBlockValues; ++i) magnitude = S::max(S::abs(g.x[i]), magnitude);
    if (normalisation == Normalisation::shared) magnitude = S::set1(S::hmax(magnitude));
    float lanes[8];
    S::store(lanes, magnitude);
    for (int j = 0; j < 8; ++j) normalisation_factors(lanes[j], g.to_original[j], g.to_normalised[j]);
    const typename S::F factor = S::load(g.to_normalised);
    for (int i = 0; i < kBlockValues; ++i) g.x[i] = S::mul(g.x[i], factor);
    g.counted = S::eq(S::zero(), S::zero());
}

// ggml's imatrix weighting: w = importance * sqrt(sigma2 + x^2) with sigma2
// twice the mean square of the super-block (iq4_nl: the block), so large
// values weigh more even where the importance is flat. A lane whose weights
// are all zero falls back to plain squared error: any encoding is equally
// good for the weighted objective, so pick the one closest to the values;
// it does not count towards a shared scale while other lanes have weight.
template <class S>
void load_weights(const float *importance, Normalisation normalisation, LaneGroup<S> &g) {
    using F = typename S::F;
    load_transposed<S>(importance, g.w);
    F square_sum = S::mul(g.x[0], g.x[0]);
    for (int i = 1; i < kBlockValues; ++i) square_sum = S::add(square_sum, S::mul(g.x[i], g.x[i]));
    F sigma2 = normalisation == Normalisation::shared ? S::set1(2.0f * S::hsum(square_sum) / float(kSuperBlockValues))
                                                      : S::mul(square_sum, S::set1(2.0f / float(kBlockValues)));
    F weight_sum = S::zero();
    for (int i = 0; i < kBlockValues; ++i) {
        g.w[i] = S::mul(g.w[i], S::sqrt(S::add(sigma2, S::mul(g.x[i], g.x[i]))));
        weight_sum = S::add(weight_sum, g.w[i]);
    }
    const auto unweighted = S::eq(weight_sum, S::zero());
    for (int i = 0; i < kBlockValues; ++i) g.w[i] = S::select(unweighted, S::set1(1.0f), g.w[i]);
    g.counted = S::mask_bits(unweighted) == 0xff ? S::eq(S::zero(), S::zero()) : S::gt(weight_sum, S::zero());
}

// Without an importance vector: w = floor + x^2 / sigma2 in the input's
// units (sigma2 the row's mean square, in the input's units too), so a lane
// normalised by 2^-e weighs x^2 * 2^2e / sigma2. w = 1 where sigma2 is zero,
// subnormal or huge. Every weight is >= 1, so every lane counts.
template <class S>
void load_value_weights(float floor, float row_sigma2, LaneGroup<S> &g) {
    if (!(row_sigma2 >= 1.17549435e-38f && row_sigma2 <= 1e30f)) {
        for (int i = 0; i < kBlockValues; ++i) g.w[i] = S::set1(1.0f);
        return;
    }
    alignas(32) float factor[8];
    for (int j = 0; j < 8; ++j) {
        const double k = double(g.to_original[j]) * double(g.to_original[j]) / double(row_sigma2);
        factor[j] = k < 3.0e38 ? float(k) : 3.0e38f;
    }
    const typename S::F k = S::load(factor), base = S::set1(floor);
    for (int i = 0; i < kBlockValues; ++i) g.w[i] = S::add(base, S::mul(S::mul(g.x[i], g.x[i]), k));
}

} // namespace
} // namespace gmat::iquants
