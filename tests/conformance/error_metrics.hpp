// How far a reconstruction is from the original, in double precision.
#pragma once

#include "test_matrices.hpp"

#include <vector>

namespace gmat::testing {

// sqrt(sum (x - y)^2 / sum x^2); for an all-zero x, sqrt(sum y^2). Infinite
// when y is not finite where x is.
double relative_rmse(const Matrix &x, const std::vector<float> &y);

// sum_rows sum_j w_j (x_j - y_j)^2 / sum_rows sum_j w_j x_j^2 with
// w_j = importance_j * sqrt(sigma2_row + x_j^2), sigma2_row the row's mean
// square: the objective ggml's imatrix-aware quantizers minimise.
double relative_weighted_error(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance);

} // namespace gmat::testing
