#include "ternary_block.hpp"

#include "half.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ternary {

namespace {

// The stored scale for a wanted one: rounded to half, clamped to the largest finite half.
uint16_t stored_scale(float wanted) { return half_from_float(std::min(wanted, kHalfMax)); }

// Each value to the nearest of -d, 0, +d for the scale as stored.
void round_to_scale(const float *values, TernaryBlock &block) {
    const float d = float_from_half(block.scale);
    for (int i = 0; i < kBlockValues; ++i) {
        const float magnitude = std::fabs(values[i]);
        const int8_t sign = values[i] < 0 ? -1 : 1;
        block.trits[i] = d > 0 && magnitude > 0.5f * d ? sign : 0;
    }
}

// Squared error of a block against the values it encodes, in double.
double squared_error(const float *values, const TernaryBlock &block) {
    const double d = float_from_half(block.scale);
    double sum = 0;
    for (int i = 0; i < kBlockValues; ++i) {
        const double diff = values[i] - d * block.trits[i];
        sum += diff * diff;
    }
    return sum;
}

// The scale minimising the error when the k largest magnitudes become +-1:
// the error is sum x^2 - S_k^2 / k (S_k the sum of those k magnitudes), so
// the best k maximises S_k^2 / k and its scale is S_k / k.
float least_squares_scale(const float *values) {
    float magnitudes[kBlockValues];
    for (int i = 0; i < kBlockValues; ++i) magnitudes[i] = std::fabs(values[i]);
    std::sort(magnitudes, magnitudes + kBlockValues, std::greater<float>());
    double prefix = 0, best_gain = 0, best_scale = 0;
    for (int k = 1; k <= kBlockValues; ++k) {
        prefix += magnitudes[k - 1];
        const double gain = prefix * prefix / k;
        if (gain > best_gain) best_gain = gain, best_scale = prefix / k;
    }
    return static_cast<float>(best_scale);
}

} // namespace

TernaryBlock quantize_block_absmax(const float *values) {
    float amax = 0;
    for (int i = 0; i < kBlockValues; ++i) amax = std::max(amax, std::fabs(values[i]));
    TernaryBlock block;
    block.scale = stored_scale(amax);
    if (float_from_half(block.scale) == 0) { // all zero, or too small for a half: every value decodes to 0
        std::fill(block.trits, block.trits + kBlockValues, int8_t(0));
        return block;
    }
    // Rounded against the unrounded max, as ggml does, so both give the same trits.
    const float inverse = 1.0f / amax;
    for (int i = 0; i < kBlockValues; ++i) block.trits[i] = static_cast<int8_t>(std::lround(values[i] * inverse));
    return block;
}

TernaryBlock quantize_block_least_squares(const float *values) {
    const TernaryBlock absmax = quantize_block_absmax(values);
    TernaryBlock searched;
    searched.scale = stored_scale(least_squares_scale(values));
    round_to_scale(values, searched);
    return squared_error(values, searched) < squared_error(values, absmax) ? searched : absmax;
}

TernaryBlock quantize_block(const float *values, gmat_scale_strategy strategy) {
    return strategy == GMAT_SCALE_TRELLIS ? quantize_block_least_squares(values) : quantize_block_absmax(values);
}

} // namespace ternary
