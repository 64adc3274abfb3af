// Deterministic matrices the i-quants tests and benchmarks judge the
// quantizers on (own generator: the same seed gives the same values
// everywhere).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace iquants_test {

struct Matrix {
    std::string name;
    uint64_t rows = 0, cols = 0;
    std::vector<float> values; // row-major

    const float *row(uint64_t r) const { return values.data() + r * cols; }
    float *row(uint64_t r) { return values.data() + r * cols; }
};

Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed);
// Student-t (5 degrees of freedom) times a log-normal per-row scale, with
// 0.5% of the columns (at least one) six times larger: heavy tails, uneven
// rows and outlier input channels, like LLM weights.
Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);
Matrix zero_matrix(uint64_t rows, uint64_t cols);
// Each row one constant of varied sign and magnitude.
Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed);
// Gaussian values near 1e-30; every fourth row near 1e-39 (float subnormals).
Matrix tiny_matrix(uint64_t rows, uint64_t cols, uint64_t seed);
// Gaussian values near 1e30: beyond what an fp16 scale can reach.
Matrix huge_matrix(uint64_t rows, uint64_t cols, uint64_t seed);
// Gaussian values with every 32-value block scaled by 10^u, u uniform in
// [-4, 4]: an iq4_xs super-block mixes sub-blocks of very different size.
Matrix mixed_magnitude_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Positive importance weights spread log-normally (sigma 1) with a few zero columns.
std::vector<float> importance_vector(uint64_t cols, uint64_t seed);

} // namespace iquants_test
