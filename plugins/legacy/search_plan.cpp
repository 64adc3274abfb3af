#include "search_plan.hpp"

#include <initializer_list>

namespace gmat::legacy {

namespace {

void append(SearchPlan &p, float value) { p.grid[p.grid_size++] = value; }

// ggml's imatrix-aware quantizers try -(nmax + 0.1 k) / max for k = -9..9
// (make_qx_quants, q4_0/q5_0) and (nmax - 0.9 + 0.05 k) / (max - min) for
// k = 0..36 (make_qkx3_quants, q4_1/q5_1). With an importance vector the
// standard strategy tries the same candidates, so it does no worse.
void append_imatrix_grid(SearchPlan &p, LevelShape shape, float lo) {
    if (shape == LevelShape::symmetric) {
        for (int k = -9; k <= 9; ++k) append(p, lo - 0.1f * float(k));
    } else {
        for (int k = 0; k <= 36; ++k) append(p, -0.9f + 0.05f * float(k));
    }
}

// The trellis grid: a few candidates on each side of the reference scale,
// picked by measuring error against time (bench/kernels, README.md).
void append_trellis_grid(SearchPlan &p, LevelShape shape, float lo, float hi) {
    if (shape == LevelShape::symmetric) {
        for (float offset : {-0.25f, 0.25f, 0.75f}) append(p, lo - offset);
        for (float offset : {-0.25f, 0.25f, 0.75f}) append(p, hi + offset);
    } else {
        for (float delta : {-0.5f, 0.0f, 0.5f}) append(p, delta);
    }
}

} // namespace

SearchPlan make_search_plan(LevelShape shape, float lo, float hi, gmat_scale_strategy strategy,
                                   float trellis_lambda, bool weighted) {
    SearchPlan p;
    if (strategy == GMAT_SCALE_TRELLIS) {
        p.lambda = trellis_lambda > 0.0f ? trellis_lambda : 0.0f;
        p.refits = 2;
        append_trellis_grid(p, shape, lo, hi);
        if (weighted) append_imatrix_grid(p, shape, lo);
    } else {
        p.refits = 1;
        if (weighted) append_imatrix_grid(p, shape, lo);
    }
    return p;
}

} // namespace gmat::legacy
