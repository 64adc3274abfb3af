// The matrices the i-quants tests and benchmarks judge iq4_nl and iq4_xs on:
// the shared test matrices (tests/support/generated_matrices.hpp) plus the two
// shapes only the i-quants need.
#pragma once

// Relative paths: bench/i-quants compiles this folder's files without
// tests/support on its include path.
#include "../support/generated_matrices.hpp"

#include <cstdint>
#include <vector>

namespace iquants_test {

using gmat::testing::constant_matrix;
using gmat::testing::gaussian_matrix;
using gmat::testing::heavy_tailed_matrix;
using gmat::testing::huge_matrix;
using gmat::testing::Matrix;
using gmat::testing::tiny_matrix;
using gmat::testing::zero_matrix;

// Gaussian values with every 32-value block scaled by 10^u, u uniform in
// [-4, 4]: an iq4_xs super-block mixes sub-blocks of very different size.
Matrix mixed_magnitude_matrix(uint64_t rows, uint64_t cols, uint64_t seed);

// Positive importance weights spread log-normally (sigma 1), then cols / 100
// (at least one) randomly drawn columns set to zero; unlike
// gmat::testing::importance_vector, whose zeros are every 97th column.
std::vector<float> importance_vector(uint64_t cols, uint64_t seed);

} // namespace iquants_test
