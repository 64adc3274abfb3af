// How far a reconstruction y is from the original x, in double precision.
// Each is infinite when the error is not finite (y not finite where x is).
#pragma once

#include "generated_matrices.hpp"

#include <cstdint>
#include <vector>

namespace gmat::testing {

// sqrt(sum (x - y)^2 / sum x^2); for an all-zero x, sqrt(sum y^2).
double relative_rmse(const Matrix &x, const std::vector<float> &y);

// sum_rows sum_j w_j (x_j - y_j)^2 / sum_rows sum_j w_j x_j^2 with
// w_j = importance_j * sqrt(sigma2_row + x_j^2), sigma2_row the row's mean
// square: the objective ggml's imatrix-aware quantizers minimise.
double relative_weighted_error(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance);

// sqrt(relative_weighted_error): on the same scale as relative_rmse.
double relative_weighted_rmse(const Matrix &x, const std::vector<float> &y, const std::vector<float> &importance);

// sqrt(sum w (x - y)^2 / sum w x^2) with w = 3 + x^2 / sigma2_row (1 in an
// all-zero row): the weighting the K-quant searches use without an importance
// vector (errors on large weights count more); reported next to relative_rmse.
double relative_value_weighted_rmse(const Matrix &x, const std::vector<float> &y);

// The mean (DC) part of the error: sum over sub-blocks of n (mean_j e_j)^2,
// relative to sum x^2 (what k-quants' trellis_lambda weighs; e = y - x).
double relative_mean_error(const Matrix &x, const std::vector<float> &y, uint64_t sub_block);

} // namespace gmat::testing
