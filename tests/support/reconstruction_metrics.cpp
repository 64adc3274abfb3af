#include "reconstruction_metrics.hpp"

#include <cmath>
#include <limits>

namespace gmat::testing {

namespace {

double ratio(double error, double reference) {
    if (!std::isfinite(error)) return std::numeric_limits<double>::infinity();
    return reference > 0 ? error / reference : error;
}

} // namespace

double relative_rmse(const Matrix &x, const std::vector<float> &y) {
    double error = 0, reference = 0;
    for (size_t i = 0; i < x.values.size(); ++i) {
        const double d = double(x.values[i]) - double(y[i]);
        error += d * d;
        reference += double(x.values[i]) * double(x.values[i]);
    }
    return std::sqrt(ratio(error, reference));
}

double relative_weighted_error(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance) {
    double error = 0, reference = 0;
    for (uint64_t r = 0; r < x.rows; ++r) {
        const float *row = x.row(r);
        double sigma2 = 0;
        for (uint64_t c = 0; c < x.cols; ++c) sigma2 += double(row[c]) * row[c];
        sigma2 /= double(x.cols);
        for (uint64_t c = 0; c < x.cols; ++c) {
            const double w = importance[c] * std::sqrt(sigma2 + double(row[c]) * row[c]);
            const double d = double(row[c]) - double(y[r * x.cols + c]);
            error += w * d * d;
            reference += w * double(row[c]) * row[c];
        }
    }
    return ratio(error, reference);
}

double relative_weighted_rmse(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance) {
    return std::sqrt(relative_weighted_error(x, y, importance));
}

double relative_value_weighted_rmse(const Matrix &x, const std::vector<float> &y) {
    double error = 0, reference = 0;
    for (uint64_t r = 0; r < x.rows; ++r) {
        const float *xr = x.values.data() + r * x.cols;
        const float *yr = y.data() + r * x.cols;
        double sigma2 = 0;
        for (uint64_t c = 0; c < x.cols; ++c) sigma2 += double(xr[c]) * xr[c];
        sigma2 /= double(x.cols);
        for (uint64_t c = 0; c < x.cols; ++c) {
            const double w = sigma2 > 0 ? 3.0 + double(xr[c]) * xr[c] / sigma2 : 1.0;
            const double d = double(xr[c]) - double(yr[c]);
            error += w * d * d;
            reference += w * double(xr[c]) * xr[c];
        }
    }
    return std::sqrt(ratio(error, reference));
}

double relative_mean_error(const Matrix &x, const std::vector<float> &y, uint64_t sub_block) {
    double error = 0, reference = 0;
    for (size_t start = 0; start < x.values.size(); start += sub_block) {
        double sum = 0;
        for (size_t i = start; i < start + sub_block; ++i) {
            sum += double(y[i]) - double(x.values[i]);
            reference += double(x.values[i]) * x.values[i];
        }
        error += sum * sum / double(sub_block);
    }
    return ratio(error, reference);
}

} // namespace gmat::testing
