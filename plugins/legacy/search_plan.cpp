#include "search_plan.hpp"

#include <initializer_list>

namespace gmat::legacy {

namespace {

void append(ScaleGrid &g, float value) { g.values[g.size++] = value; }

// ggml's imatrix-aware quantizers try -(nmax + 0.1 k) / max for k = -9..9
// (make_qx_quants: q4_0, q5_0) and walk (nmax - 0.9 + 0.05 k) / range for
// k = 0..36 (make_qkx3_quants: q4_1, q5_1). Trying the same candidates is
// what keeps the importance-aware result no worse than ggml's.
ScaleGrid imatrix_grid(LevelShape shape, float lo) {
    ScaleGrid g;
    if (shape == LevelShape::symmetric) {
        for (int k = -9; k <= 9; ++k) append(g, lo - 0.1f * float(k));
    } else {
        for (int k = 0; k <= 36; ++k) append(g, -0.9f + 0.05f * float(k));
    }
    return g;
}

// The trellis grids, chosen by measuring error against time (README.md).
// Symmetric targets: half a level past ggml's lo, and the extreme on the
// short side of the range (hi); the 5- and 8-bit formats, whose reference is
// slower and whose optimum lies in a narrower band, get four more (for q4_0
// they would gain < 0.05%). Affine: q5_1 one finer scale.
ScaleGrid trellis_grid(LevelShape shape, float lo, float hi) {
    ScaleGrid g;
    if (shape == LevelShape::symmetric) {
        for (float t : {lo - 0.5f, hi}) append(g, t);
        if (hi > 7)
            for (float t : {hi + 0.5f, lo + 0.5f, hi - 0.5f, lo - 0.25f}) append(g, t);
    } else if (hi > 15) {
        append(g, 0.5f);
    }
    return g;
}

// Lloyd rounds (round at the best scale, refit) after the grids. A symmetric
// scale gains < 0.05% from one once the grid has run: only the formats with
// the slower references (q5_0, q8_0) spend it. Affine (d, m) pairs keep
// improving: one round for q4_1, two for q5_1.
int trellis_refits(LevelShape shape, float hi, bool weighted) {
    if (shape == LevelShape::symmetric) return weighted || hi > 7 ? 1 : 0;
    return hi > 15 ? 2 : 1;
}

} // namespace

SearchPlan make_search_plan(LevelShape shape, float lo, float hi, gmat_scale_strategy strategy,
                            float trellis_lambda, bool weighted) {
    SearchPlan p;
    if (weighted) p.imatrix = imatrix_grid(shape, lo);
    if (strategy == GMAT_SCALE_TRELLIS) {
        p.own = trellis_grid(shape, lo, hi);
        p.lambda = trellis_lambda;
        p.refits = trellis_refits(shape, hi, weighted);
    } else {
        p.refits = weighted ? 1 : 0;
    }
    return p;
}

} // namespace gmat::legacy
