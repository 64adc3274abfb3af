#include "iq4_matrices.hpp"

#include "../support/splitmix_random.hpp"

#include <algorithm>
#include <cmath>

namespace iquants_test {

using gmat::testing::SplitMixRandom;

Matrix mixed_magnitude_matrix(uint64_t rows, uint64_t cols, uint64_t seed) {
    Matrix m = gmat::testing::blank_matrix("mixed_magnitude", rows, cols);
    SplitMixRandom rng(seed);
    for (uint64_t i = 0; i < m.values.size(); i += 32) {
        const double scale = std::pow(10.0, 8.0 * rng.uniform() - 4.0);
        for (uint64_t j = i; j < i + 32 && j < m.values.size(); ++j) m.values[j] = float(rng.normal() * scale);
    }
    return m;
}

std::vector<float> importance_vector(uint64_t cols, uint64_t seed) {
    SplitMixRandom rng(seed);
    std::vector<float> w(cols);
    for (float &v : w) v = float(std::exp(rng.normal()));
    for (uint64_t i = 0; i < std::max<uint64_t>(1, cols / 100); ++i) w[rng.next() % cols] = 0.0f;
    return w;
}

} // namespace iquants_test
