// The matrices the k-quants tests and benchmarks judge the quantizers on: the
// shared test matrices and error metrics (tests/support), named here so
// k-quants code finds them as gmat::kquants::testing::..., and k-quants' own
// heavy-tailed and constant shapes, which the k-quants thresholds were set on.
#pragma once

// Relative paths: bench/k-quants compiles this folder's files without
// tests/support on its include path.
#include "../support/generated_matrices.hpp"
#include "../support/reconstruction_metrics.hpp"

#include <cstdint>

namespace gmat::kquants::testing {

using ::gmat::testing::gaussian_matrix;
using ::gmat::testing::importance_vector;
using ::gmat::testing::Matrix;
using ::gmat::testing::relative_mean_error;
using ::gmat::testing::relative_rmse;
using ::gmat::testing::relative_weighted_error;
using ::gmat::testing::scaled_gaussian_matrix;
using ::gmat::testing::zero_matrix;

// The "heavy-tailed matrix" of the benchmarks: Student-t values with 4
// degrees of freedom, each row scaled by 10^u (u uniform in [-1, 1]), and 1%
// of the columns (at least one) scaled by 4, like the outlier input channels
// of LLM weights. Not gmat::testing::heavy_tailed_matrix (5 degrees of
// freedom, log-normal rows, 0.5% of the columns scaled by 6).
Matrix heavy_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// A harsher variant: 3 degrees of freedom and 1/64 of the columns scaled by 8.
Matrix extreme_tailed_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Each row one constant of alternating sign and magnitude 10^u, u uniform in
// [-3, 3].
Matrix constant_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

} // namespace gmat::kquants::testing
