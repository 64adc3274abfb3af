// Deterministic test matrices for `gmat bench` and `gmat check-plugin`: the
// same seed gives the same floats on every machine and any thread count
// (own generator, one stream per row, no <random> distributions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::bench {

struct GeneratedMatrix {
    std::string description;
    uint64_t rows = 0, cols = 0;
    std::vector<float> values; // row-major

    const float *row(uint64_t r) const { return values.data() + r * cols; }
    float *row(uint64_t r) { return values.data() + r * cols; }
};

// Like LLM weights: Student-t values (5 degrees of freedom) times a per-row
// scale (log-normal, sigma 0.5), with 0.5% of the columns (at least one)
// scaled by 6 as outlier input channels.
GeneratedMatrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Standard normal values.
GeneratedMatrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// An importance vector as an imatrix would hold it: each column's mean square.
std::vector<float> column_mean_squares(const GeneratedMatrix &m);

} // namespace gmat::bench
