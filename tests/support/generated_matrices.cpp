#include "generated_matrices.hpp"

#include "splitmix_random.hpp"

#include <algorithm>
#include <cmath>

namespace gmat::testing {

Matrix blank_matrix(std::string name, uint64_t rows, uint64_t cols) {
    Matrix m;
    m.name = std::move(name);
    m.rows = rows;
    m.cols = cols;
    m.values.assign(rows * cols, 0.0f);
    return m;
}

Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return scaled_gaussian_matrix("gaussian", rows, cols, seed, 1.0);
}

Matrix scaled_gaussian_matrix(std::string name, uint64_t rows, uint64_t cols, uint64_t seed, double scale) {
    Matrix m = blank_matrix(std::move(name), rows, cols);
    SplitMixRandom rng(seed);
    for (float &v : m.values) v = float(rng.normal() * scale);
    return m;
}

Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = blank_matrix("heavy_tailed", rows, cols);
    SplitMixRandom rng(seed);
    std::vector<double> column_scale(cols, 1.0);
    const uint64_t outliers = std::max<uint64_t>(1, cols / 200);
    for (uint64_t i = 0; i < outliers; ++i) column_scale[rng.next() % cols] = 6.0;
    for (uint64_t r = 0; r < rows; ++r) {
        const double row_scale = 0.02 * std::exp(0.5 * rng.normal());
        for (uint64_t c = 0; c < cols; ++c) m.row(r)[c] = float(rng.student_t(5) * row_scale * column_scale[c]);
    }
    return m;
}

Matrix zero_matrix(uint64_t rows, uint64_t cols) { return blank_matrix("zero", rows, cols); }

Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = blank_matrix("constant", rows, cols);
    SplitMixRandom rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double magnitude = std::exp(4.0 * rng.normal());
        const float value = float((r % 2 ? -1.0 : 1.0) * magnitude);
        std::fill(m.row(r), m.row(r) + cols, value);
    }
    return m;
}

Matrix tiny_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = blank_matrix("tiny", rows, cols);
    SplitMixRandom rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double scale = r % 4 == 3 ? 1e-39 : 1e-30;
        for (uint64_t c = 0; c < cols; ++c) m.row(r)[c] = float(rng.normal() * scale);
    }
    return m;
}

Matrix huge_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return scaled_gaussian_matrix("huge", rows, cols, seed, 1e30);
}

std::vector<float> importance_vector(uint64_t cols, uint64_t seed) {
    SplitMixRandom rng(seed);
    std::vector<float> w(cols);
    for (float &v : w) v = float(std::exp(rng.normal()));
    for (uint64_t c = 0; c < cols; c += 97) w[c] = 0.0f;
    return w;
}

} // namespace gmat::testing
