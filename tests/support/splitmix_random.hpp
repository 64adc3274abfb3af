// The random stream behind every generated test matrix: splitmix64 with
// Box-Muller normals, small and identical on every platform (no <random>
// distributions, whose output the standard leaves to each library).
#pragma once

#include <cmath>
#include <cstdint>

namespace gmat::testing {

class SplitMixRandom {
public:
    explicit SplitMixRandom(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

    double uniform() { return double(next() >> 11) * 0x1p-53; } // [0, 1)

    double normal() { // one Box-Muller value per call
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

} // namespace gmat::testing
