// How far a dequantized matrix is from the original.
#pragma once

#include <cstddef>

namespace gmat::bench {

// sqrt(sum (x - y)^2 / sum x^2) in double; for an all-zero x, sqrt(sum y^2).
// Infinite when y is not finite where x is, so thresholds catch it.
double relative_rmse(const float *x, const float *y, size_t n);

} // namespace gmat::bench
