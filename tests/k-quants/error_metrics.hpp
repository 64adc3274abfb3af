// How far a reconstruction is from the original, in double precision.
#pragma once

#include "kquant_matrices.hpp"

#include <vector>

namespace gmat::kquants::testing {

// sqrt(sum (x - y)^2 / sum x^2) over the matrix; for an all-zero x,
// sqrt(sum y^2). Infinite when y is not finite.
double relative_rmse(const Matrix &x, const std::vector<float> &y);

// sum w (x - y)^2 / sum w x^2 with w = importance_j * sqrt(sigma2_row + x^2),
// sigma2_row the row's mean square: ggml's imatrix weighting (what the
// k-quants searches minimise with an importance vector).
double relative_weighted_error(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance);

// The mean (DC) part of the error: sum over sub-blocks of n (mean_j e_j)^2,
// relative to sum x^2 (what trellis_lambda weighs; e = y - x).
double relative_mean_error(const Matrix &x, const std::vector<float> &y, uint64_t sub_block);

} // namespace gmat::kquants::testing
