// The fixed matrices quantizers are judged on (conformance, i-quants and
// k-quants tests and their kernel benchmarks). Deterministic: the same seed
// gives the same floats on every platform (SplitMixRandom). Test folders add
// their own shapes next to these (i-quants: mixed_magnitude_matrix; k-quants:
// its benchmark's heavy-tailed variants).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::testing {

struct Matrix {
    std::string name;
    uint64_t rows = 0, cols = 0;
    std::vector<float> values; // row-major

    const float *row(uint64_t r) const { return values.data() + r * cols; }
    float *row(uint64_t r) { return values.data() + r * cols; }
};

// rows x cols zeros named `name`: the start of every generator.
Matrix blank_matrix(std::string name, uint64_t rows, uint64_t cols);

// Standard normal values.
Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Standard normal values times `scale` (1e-3 puts fp16 scales among the
// subnormals, 1e-30 below them; 1e6 near the fp16 maximum, 1e30 past it).
Matrix scaled_gaussian_matrix(std::string name, uint64_t rows, uint64_t cols, uint64_t seed, double scale);

// Student-t values (5 degrees of freedom) times a per-row scale spread
// (0.02 times log-normal, sigma 0.5), with 0.5% of the columns (at least one)
// scaled by 6: the heavy tails, uneven rows and outlier input channels of LLM
// weights.
Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

Matrix zero_matrix(uint64_t rows, uint64_t cols);

// Each row one constant of alternating sign and log-normal magnitude (sigma 4).
Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Gaussian values scaled to ~1e-30; every fourth row further down into the
// float subnormal range (~1e-39).
Matrix tiny_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Gaussian values scaled to ~1e30: beyond what an fp16 scale can reach.
Matrix huge_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Positive importance weights with a wide spread (log-normal, sigma 1) and
// every 97th column zero, like an imatrix column.
std::vector<float> importance_vector(uint64_t cols, uint64_t seed);

} // namespace gmat::testing
