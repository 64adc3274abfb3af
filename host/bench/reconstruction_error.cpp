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

double weighted_relative_rmse(const float *x, const float *y, size_t rows, size_t cols) {
    double error = 0, energy = 0;
    for (size_t r = 0; r < rows; ++r) {
        const float *xr = x + r * cols, *yr = y + r * cols;
        double sigma2 = 0;
        for (size_t c = 0; c < cols; ++c) sigma2 += double(xr[c]) * xr[c];
        sigma2 /= double(cols);
        for (size_t c = 0; c < cols; ++c) {
            if (std::isfinite(xr[c]) && !std::isfinite(yr[c])) return std::numeric_limits<double>::infinity();
            const double w = sigma2 > 0 ? 3.0 + double(xr[c]) * xr[c] / sigma2 : 1.0;
            const double diff = double(xr[c]) - double(yr[c]);
            error += w * diff * diff;
            energy += w * double(xr[c]) * xr[c];
        }
    }
    return energy > 0 ? std::sqrt(error / energy) : std::sqrt(error);
}

} // namespace gmat::bench
