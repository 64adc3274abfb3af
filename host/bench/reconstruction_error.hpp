// How far a dequantized matrix is from the original.
#pragma once

#include <cstddef>

namespace gmat::bench {

// sqrt(sum (x - y)^2 / sum x^2) in double; for an all-zero x, sqrt(sum y^2).
// Infinite when y is not finite where x is, so thresholds catch it.
double relative_rmse(const float *x, const float *y, size_t n);

// The same with each value's error weighted as the K-quant searches weigh it
// without an importance matrix, w = 3 + x^2 / sigma2 (sigma2 the row's mean
// square; w = 1 in an all-zero row): sqrt(sum w (x - y)^2 / sum w x^2) over a
// rows x cols matrix. Errors on large weights, which the next layer feels
// most, count more (bench/fidelity chose the weighting on a trained model).
double weighted_relative_rmse(const float *x, const float *y, size_t rows, size_t cols);

} // namespace gmat::bench
