#include "kquant_matrices.hpp"

#include "../support/splitmix_random.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gmat::kquants::testing {
namespace {

using ::gmat::testing::blank_matrix;
using ::gmat::testing::SplitMixRandom;

Matrix tailed(const std::string &name, uint64_t rows, uint64_t cols, uint64_t seed, int dof, uint64_t outlier_every,
              double outlier_scale) {
    Matrix m = blank_matrix(name, rows, cols);
    SplitMixRandom rng(seed);
    std::vector<double> column_scale(cols, 1.0);
    const uint64_t outliers = std::max<uint64_t>(1, cols / outlier_every);
    for (uint64_t k = 0; k < outliers; ++k) column_scale[rng.next() % cols] = outlier_scale;
    for (uint64_t r = 0; r < rows; ++r) {
        const double row_scale = std::pow(10.0, 2.0 * rng.uniform() - 1.0);
        for (uint64_t c = 0; c < cols; ++c) m.row(r)[c] = float(rng.student_t(dof) * row_scale * column_scale[c]);
    }
    return m;
}

} // namespace

Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return tailed("heavy_tailed", rows, cols, seed, 4, 100, 4.0);
}

Matrix extreme_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return tailed("extreme_tailed", rows, cols, seed, 3, 64, 8.0);
}

Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = blank_matrix("constant", rows, cols);
    SplitMixRandom rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double magnitude = std::pow(10.0, 6.0 * rng.uniform() - 3.0);
        const float value = float(r % 2 == 0 ? magnitude : -magnitude);
        std::fill(m.row(r), m.row(r) + cols, value);
    }
    return m;
}

} // namespace gmat::kquants::testing
