#include "search_recipe.hpp"

#include <initializer_list>

namespace gmat::iquants {

namespace {

// Targets every `step` from T = -127 + lo to -127 + hi (the extreme on the
// long, negative end) and from 113 + lo + 5 to 113 + hi + 20 (the positive
// end, 14 shorter), shifted by `offset`. ggml's iq4 quantizers try
// T = -127 + k for k = -7..7 and T = +127. Measured on Gaussian and
// Student-t matrices, a wider range (clipping the extreme harder, or leaving
// the end level unused) lowers the error far more than a denser grid: every
// target is followed by a least-squares scale anyway, so neighbouring
// targets mostly end at the same levels.
TargetGrid target_grid(int lo, int hi, int step, float offset) {
    TargetGrid g;
    for (int k = lo; k <= hi; k += step) g.targets[g.count++] = float(-127 + k) + offset;
    for (int k = lo + 5; k <= hi + 20; k += step) g.targets[g.count++] = float(113 + k) + offset;
    return g;
}

// iq4_xs without an importance vector: the five targets of the every-15 grid
// nearest to putting the extreme on an end level (T = -127 and 15 either
// side; T = 103, 118 around 113). On the heavy-tailed matrix they give the
// error of all nine (README.md, "Standard strategy").
TargetGrid xs_value_weighted_grid() {
    TargetGrid g;
    for (float t : {-142.0f, -127.0f, -112.0f, 103.0f, 118.0f}) g.targets[g.count++] = t;
    return g;
}

} // namespace

SearchRecipe make_search_recipe(Iq4Type type, gmat_scale_strategy strategy, float lambda, bool with_importance) {
    SearchRecipe r;
    // iq4_xs stores each sub-block's scale as d times a 6-bit code, so the
    // grid's scale only picks d and the codes' centre (then tried at +-1):
    // 9 targets (every 15) instead of 25 cost +0.1% error on the heavy-tailed
    // matrix and made its kernel 1.8x faster; without an importance vector 5
    // of those 9 give the same error, 1.25x faster again (README.md,
    // "Standard strategy").
    if (type == Iq4Type::nl) r.grid = target_grid(-30, 20, 5, 0.0f);
    else r.grid = with_importance ? target_grid(-30, 20, 15, 0.0f) : xs_value_weighted_grid();
    r.refits = type == Iq4Type::xs ? 1 : 2;
    r.code_radius = 1;
    // Without importance each value's error weighs 3 + x^2 / sigma2 (README.md, "Objective").
    if (!with_importance) r.value_weight_floor = 3.0f;
    if (strategy == GMAT_SCALE_TRELLIS) {
        r.trellis.enabled = true;
        r.trellis.lambda = lambda;
        r.trellis.grid = target_grid(-30, 20, 5, 2.5f); // between the standard grid's targets
        r.trellis.scale_steps = 1;
        r.trellis.descent_rounds = 2;
    }
    return r;
}

} // namespace gmat::iquants
