// How much searching a block gets, per strategy, as plain data built once
// per quantize call (README.md, "Standard" and "Trellis").
#pragma once

#include "iq4_formats.hpp"

#include <gmat/abi.h>

namespace gmat::iquants {

// Trial targets T: a block's value of largest magnitude m maps to level value
// T (inverse scale T / m); negative T put m on the long end of the table.
struct TargetGrid {
    static constexpr int kMaxTargets = 64;
    float targets[kMaxTargets] = {};
    int count = 0;
};

struct TrellisStage {
    bool enabled = false;
    float lambda = 0.0f;    // weight of the block-mean (DC) error term, see search/lane_fit.hpp
    TargetGrid grid;        // its own grid, scored with the DC term
    int scale_steps = 0;    // fp16 neighbours of the stored scale tried on each side
    int descent_rounds = 0; // iq4_xs: moves of sub-block codes to a better neighbouring code
};

struct SearchRecipe {
    TargetGrid grid;     // the standard search
    int refits = 0;      // least-squares refits of the stored scale after fp16 rounding
    int code_radius = 0; // iq4_xs: codes tried on each side of round(s / d)
    TrellisStage trellis;
    // Without an importance vector, the error weights floor + x^2 / sigma2
    // (sigma2 the row's mean square; 0 = plain squared error). See README.md.
    float value_weight_floor = 0.0f;
};

// lambda is only read for GMAT_SCALE_TRELLIS. with_importance: the caller
// passes an importance vector (iq4_xs then searches a denser grid; without
// one the values weigh floor + x^2 / sigma2).
SearchRecipe make_search_recipe(Iq4Type type, gmat_scale_strategy strategy, float lambda, bool with_importance);

} // namespace gmat::iquants
