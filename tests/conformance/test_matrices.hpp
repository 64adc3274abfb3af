// The fixed matrices quantizers are judged on (conformance suite and kernel
// benchmarks). Deterministic: the same seed gives the same bytes on every
// platform (own generator, no <random> distributions).
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

// Standard normal values.
Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Student-t values (5 degrees of freedom) times a per-row scale spread
// (log-normal, sigma 0.5), with 0.5% of the columns (at least one) scaled by 6:
// the heavy tails, uneven rows and outlier input channels of LLM weights.
Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

Matrix zero_matrix(uint64_t rows, uint64_t cols);

// Each row one constant, of varied sign and magnitude.
Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Gaussian values scaled to ~1e-30; every fourth row further down into the
// float subnormal range (~1e-39).
Matrix tiny_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Gaussian values scaled to ~1e30.
Matrix huge_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Positive importance weights with a wide spread (log-normal, sigma 1) and a
// few zero columns, like an imatrix column.
std::vector<float> importance_vector(uint64_t cols, uint64_t seed);

} // namespace gmat::testing
