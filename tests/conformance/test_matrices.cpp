#include "test_matrices.hpp"

#include <algorithm>
#include <cmath>

namespace gmat::testing {

namespace {

// splitmix64: tiny, fast and identical everywhere.
class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1p-53; } // [0, 1)
    double normal() {                                             // Box-Muller
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double student_t(int dof) {
        double chi2 = 0;
        for (int i = 0; i < dof; ++i) {
            const double z = normal();
            chi2 += z * z;
        }
        return normal() / std::sqrt(chi2 / dof);
    }

private:
    uint64_t state_;
};

Matrix make(const char *name, uint64_t rows, uint64_t cols) {
    Matrix m;
    m.name = name;
    m.rows = rows;
    m.cols = cols;
    m.values.assign(rows * cols, 0.0f);
    return m;
}

} // namespace

Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("gaussian", rows, cols);
    Random rng(seed);
    for (float &v : m.values) v = float(rng.normal());
    return m;
}

Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("heavy_tailed", rows, cols);
    Random rng(seed);
    std::vector<double> column_scale(cols, 1.0);
    const uint64_t outliers = std::max<uint64_t>(1, cols / 200);
    for (uint64_t i = 0; i < outliers; ++i) column_scale[rng.next() % cols] = 6.0;
    for (uint64_t r = 0; r < rows; ++r) {
        const double row_scale = 0.02 * std::exp(0.5 * rng.normal());
        for (uint64_t c = 0; c < cols; ++c) m.row(r)[c] = float(rng.student_t(5) * row_scale * column_scale[c]);
    }
    return m;
}

Matrix zero_matrix(uint64_t rows, uint64_t cols) { return make("zero", rows, cols); }

Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("constant", rows, cols);
    Random rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double magnitude = std::exp(4.0 * rng.normal());
        const float value = float((r % 2 ? -1.0 : 1.0) * magnitude);
        std::fill(m.row(r), m.row(r) + cols, value);
    }
    return m;
}

Matrix tiny_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("tiny", rows, cols);
    Random rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double scale = r % 4 == 3 ? 1e-39 : 1e-30;
        for (uint64_t c = 0; c < cols; ++c) m.row(r)[c] = float(rng.normal() * scale);
    }
    return m;
}

Matrix huge_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("huge", rows, cols);
    Random rng(seed);
    for (float &v : m.values) v = float(rng.normal() * 1e30);
    return m;
}

std::vector<float> importance_vector(uint64_t cols, uint64_t seed) {
    Random rng(seed);
    std::vector<float> w(cols);
    for (float &v : w) v = float(std::exp(rng.normal()));
    for (uint64_t c = 0; c < cols; c += 97) w[c] = 0.0f;
    return w;
}

} // namespace gmat::testing
