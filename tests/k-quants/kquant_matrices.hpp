// The matrices the k-quants tests and benchmarks judge the quantizers on.
// Deterministic on every platform (own generator, no <random> distributions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::kquants::testing {

struct Matrix {
    std::string name;
    uint64_t rows = 0, cols = 0;
    std::vector<float> values; // row-major

    const float *row(uint64_t r) const { return values.data() + r * cols; }
    float *row(uint64_t r) { return values.data() + r * cols; }
};

// Standard normal values.
Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// The "heavy-tailed matrix" of the benchmarks: Student-t values with 4
// degrees of freedom, each row scaled by 10^u (u uniform in [-1, 1]), and 1%
// of the columns (at least one) scaled by 4, like the outlier input channels
// of LLM weights.
Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// A harsher variant: 3 degrees of freedom and 1/64 of the columns scaled by 8.
Matrix extreme_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

Matrix zero_matrix(uint64_t rows, uint64_t cols);

// Each row one constant of varied sign and magnitude (1e-3 .. 1e3).
Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Gaussian values times `scale` (e.g. 1e-3 puts fp16 scales among the
// subnormals, 1e-30 below them; 1e6 near the fp16 maximum, 1e30 past it).
Matrix scaled_gaussian_matrix(const std::string &name, uint64_t rows, uint64_t cols, uint64_t seed, double scale);

// Positive importance weights with a wide spread (log-normal, sigma 1) and
// every 97th column zero, like an imatrix column.
std::vector<float> importance_vector(uint64_t cols, uint64_t seed);

} // namespace gmat::kquants::testing
