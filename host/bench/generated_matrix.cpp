#include "bench/generated_matrix.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace gmat::bench {

namespace {

// SplitMix64: tiny, fast and fully specified, so values never depend on the
// standard library's distributions.
class RowRandom {
public:
    RowRandom(uint64_t seed, uint64_t row) : state_(seed * 0x9e3779b97f4a7c15ull ^ (row + 1) * 0xbf58476d1ce4e5b9ull) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform_open() { return (double(next() >> 11) + 0.5) * 0x1.0p-53; } // in (0, 1)
    double normal() { // Box-Muller, one value per call for simplicity
        return std::sqrt(-2.0 * std::log(uniform_open())) * std::cos(2.0 * std::numbers::pi * uniform_open());
    }
    double student_t5() {
        double chi2 = 0;
        for (int i = 0; i < 5; ++i) {
            const double z = normal();
            chi2 += z * z;
        }
        return normal() / std::sqrt(chi2 / 5.0);
    }

private:
    uint64_t state_;
};

template <class FillRow>
GeneratedMatrix generate(std::string description, uint64_t rows, uint64_t cols, FillRow fill_row) {
    GeneratedMatrix m{std::move(description), rows, cols, std::vector<float>(rows * cols)};
    tbb::parallel_for(uint64_t(0), rows, [&](uint64_t r) { fill_row(r, m.row(r)); });
    return m;
}

} // namespace

GeneratedMatrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    std::vector<float> column_scale(cols, 1.0f);
    RowRandom columns(seed, ~uint64_t(0));
    const uint64_t outliers = std::max<uint64_t>(1, cols / 200);
    for (uint64_t i = 0; i < outliers; ++i) column_scale[columns.next() % cols] = 6.0f;
    return generate("heavy-tailed (Student-t 5, log-normal row scales, outlier columns)", rows, cols,
                    [&](uint64_t r, float *out) {
                        RowRandom random(seed, r);
                        const double row_scale = std::exp(0.5 * random.normal());
                        for (uint64_t c = 0; c < cols; ++c)
                            out[c] = static_cast<float>(random.student_t5() * row_scale * column_scale[c]);
                    });
}

GeneratedMatrix gaussian_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    return generate("gaussian", rows, cols, [&](uint64_t r, float *out) {
        RowRandom random(seed, r);
        for (uint64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(random.normal());
    });
}

std::vector<float> column_mean_squares(const GeneratedMatrix &m) {
    std::vector<double> sums(m.cols, 0.0);
    for (uint64_t r = 0; r < m.rows; ++r)
        for (uint64_t c = 0; c < m.cols; ++c) sums[c] += double(m.row(r)[c]) * m.row(r)[c];
    std::vector<float> out(m.cols);
    for (uint64_t c = 0; c < m.cols; ++c) out[c] = static_cast<float>(sums[c] / std::max<uint64_t>(1, m.rows));
    return out;
}

} // namespace gmat::bench
