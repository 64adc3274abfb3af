#include "bench/reconstruction_error.hpp"

#include <cmath>
#include <limits>

namespace gmat::bench {

double relative_rmse(const float *x, const float *y, size_t n) {
    double error = 0, energy = 0;
    for (size_t i = 0; i < n; ++i) {
        if (std::isfinite(x[i]) && !std::isfinite(y[i])) return std::numeric_limits<double>::infinity();
        const double diff = double(x[i]) - double(y[i]);
        error += diff * diff;
        energy += double(x[i]) * x[i];
    }
    return energy > 0 ? std::sqrt(error / energy) : std::sqrt(error);
}

} // namespace gmat::bench
