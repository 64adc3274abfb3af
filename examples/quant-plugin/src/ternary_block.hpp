// One block of a ternary type before packing: 256 trits in {-1, 0, +1} and
// the half-precision scale d they multiply. tq1_0 and tq2_0 share this and
// differ only in how they pack the trits (tq1_0.cpp, tq2_0.cpp).
#pragma once

#include <gmat/abi.h>

#include <cstdint>

namespace ternary {

inline constexpr int kBlockValues = 256;

struct TernaryBlock {
    uint16_t scale; // half bits
    int8_t trits[kBlockValues];
};

// ggml's rule: d = max |x|, each value rounded to the nearest of -d, 0, +d.
// Fast, and for finite scales the same trits as ggml's quantizer.
TernaryBlock quantize_block_absmax(const float *values);

// Least squares: tries every count k of largest-magnitude values set to
// +-1 (the rest 0), with d their mean magnitude, and keeps the one with the
// smallest squared error after d is rounded to half precision -- never worse
// than the absmax block, usually much better (absmax zeroes most values).
TernaryBlock quantize_block_least_squares(const float *values);

// The block for a gmat scale strategy: STANDARD = absmax, TRELLIS = least squares.
TernaryBlock quantize_block(const float *values, gmat_scale_strategy strategy);

} // namespace ternary
