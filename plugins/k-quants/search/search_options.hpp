// What a row's search is asked to do, independent of the SIMD path.
#pragma once

namespace gmat::kquants {

struct SearchOptions {
    bool trellis = false;          // gmat_scale_strategy GMAT_SCALE_TRELLIS
    float lambda = 0.3f;           // trellis_lambda, see README.md
    const float *importance = nullptr; // this row's columns of the importance vector, or null
    float row_mean_square = 0.0f;      // mean of x^2 over the row
};

} // namespace gmat::kquants
