#include "kquant_matrices.hpp"

#include <algorithm>
#include <cmath>

namespace gmat::kquants::testing {
namespace {

// splitmix64 with Box-Muller normals: small, fast, the same everywhere.
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
    double normal() {
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

Matrix make(const std::string &name, uint64_t rows, uint64_t cols) {
    Matrix m;
    m.name = name;
    m.rows = rows;
    m.cols = cols;
    m.values.assign(rows * cols, 0.0f);
    return m;
}

Matrix tailed(const std::string &name, uint64_t rows, uint64_t cols, uint64_t seed, int dof, uint64_t outlier_every,
              double outlier_scale) {
    Matrix m = make(name, rows, cols);
    Random rng(seed);
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

Matrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return scaled_gaussian_matrix("gaussian", rows, cols, seed, 1.0);
}

Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return tailed("heavy_tailed", rows, cols, seed, 4, 100, 4.0);
}

Matrix extreme_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return tailed("extreme_tailed", rows, cols, seed, 3, 64, 8.0);
}

Matrix zero_matrix(uint64_t rows, uint64_t cols) { return make("zero", rows, cols); }

Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = make("constant", rows, cols);
    Random rng(seed);
    for (uint64_t r = 0; r < rows; ++r) {
        const double magnitude = std::pow(10.0, 6.0 * rng.uniform() - 3.0);
        const float value = float(r % 2 == 0 ? magnitude : -magnitude);
        std::fill(m.row(r), m.row(r) + cols, value);
    }
    return m;
}

Matrix scaled_gaussian_matrix(const std::string &name, uint64_t rows, uint64_t cols, uint64_t seed, double scale) {
    Matrix m = make(name, rows, cols);
    Random rng(seed);
    for (float &v : m.values) v = float(rng.normal() * scale);
    return m;
}

std::vector<float> importance_vector(uint64_t cols, uint64_t seed) {
    Random rng(seed);
    std::vector<float> w(cols);
    for (float &v : w) v = float(std::exp(rng.normal()));
    for (uint64_t c = 0; c < cols; c += 97) w[c] = 0.0f;
    return w;
}

} // namespace gmat::kquants::testing
