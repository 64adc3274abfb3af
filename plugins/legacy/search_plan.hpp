// How much searching a block gets, per strategy (README.md explains the
// strategies). Plans are plain data built once per quantize call.
#pragma once

#include "block_formats.hpp"

#include <gmat/abi.h>

namespace gmat::legacy {

struct SearchPlan {
    // Symmetric formats: targets t, the level the block's value of largest
    // magnitude m maps to (inverse scale t / m). Affine formats: deltas, for
    // inverse scales (hi + delta) / (max - min).
    float grid[48] = {};
    int grid_size = 0;
    float lambda = 0.0f; // clipping penalty of the search objective (0: plain weighted LS)
    int refits = 0;      // least-squares refit + requantize rounds after the grid
    bool keep_reference = true; // never return a block worse than ggml's reference scale
};

// The plan for a strategy; lambda only matters for trellis (0.3 by default).
SearchPlan make_search_plan(LevelShape shape, float lo, float hi, gmat_scale_strategy strategy, float trellis_lambda,
                            bool weighted);

} // namespace gmat::legacy
