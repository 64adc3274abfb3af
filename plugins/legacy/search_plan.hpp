// How much searching a block gets, per strategy (README.md explains the
// strategies). Plans are plain data built once per quantize call.
#pragma once

#include "block_formats.hpp"

#include <gmat/abi.h>

namespace gmat::legacy {

// One scale search. Symmetric formats search targets t, the level the
// block's value of largest magnitude m maps to (inverse scale t / m); affine
// formats search deltas, inverse scales (hi + delta) / range.
struct ScaleGrid {
    float values[40] = {};
    int size = 0;
};

struct SearchPlan {
    ScaleGrid own;     // this strategy's grid (empty: no search)
    ScaleGrid imatrix; // with an importance vector: ggml's imatrix-aware candidates
    // Extra weight of a block extreme that gets clipped (rounded beyond the
    // level range): 0 = plain weighted least squares.
    float lambda = 0.0f;
    int refits = 0;      // Lloyd rounds after the searches: round at the best scale, refit
    bool keep_reference = true; // never return a block worse than ggml's reference scale
};

// The plan for a strategy; lambda only matters for trellis (0.3 by default).
SearchPlan make_search_plan(LevelShape shape, float lo, float hi, gmat_scale_strategy strategy, float trellis_lambda,
                            bool weighted);

} // namespace gmat::legacy
