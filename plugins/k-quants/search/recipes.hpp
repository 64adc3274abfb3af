// Tuning of the scale searches, as plain data shared by every SIMD path:
// which trial scales, how many refinement rounds, how far the exact and
// trellis searches go. The values per type live in type_recipes.hpp; README.md
// explains each step.
#pragma once

#include "../kquant_formats.hpp"

namespace gmat::kquants {

// Asymmetric trial inverse scales: (max_level + first + step*k) / range, k = 0..steps.
struct ScaleGrid {
    float first;
    float step;
    int steps;
};

// Symmetric trial inverse scales: the largest magnitude maps to
// -(L + long_first + step*k), k < long_count (the long end of the level
// range), or to +(L - 1 + short_first + step*k), k < short_count.
struct SymmetricGrid {
    float long_first;
    float short_first;
    float step;
    int long_count;
    int short_count;
};

// The trellis stage (README.md "Trellis"): exact descent over neighbouring
// codes and least-squares refits of the super-block scales.
struct TrellisSettings {
    int descent_steps; // moves to the best neighbouring code; < 0: that many rounds of the valley scan
    int scale_refits;  // rounds of "refit d (and dmin), re-round to fp16, descend again"
    int scale_trials;  // d (then dmin) tried at (1 +- k*trial_step), k = 1..scale_trials
    float trial_step;
};

struct AsymmetricRecipe {
    AsymmetricFormat format;
    ScaleGrid grid;
    float headroom;  // > 0: also start from d, dmin grown by this fraction
    int refine_rounds; // least-squares code refinements (asymmetric_search.hpp)
    int exact_steps;   // exact descent steps of the standard strategy (see TrellisSettings)
    TrellisSettings trellis;
    bool descend_every_start = false; // false: only the start with the lower exact error is descended
};

// Symmetric types: the super-block scale fit's grid of inverse scales
// -(C + step*k) / s_extreme, |k| <= radius (superblock_scale_fit.hpp).
struct ScaleFitGrid {
    int radius;
    float step;
    bool weight_start; // also start from a d fit to the sub-blocks' total weights
};

struct SymmetricRecipe {
    SymmetricFormat format;
    SymmetricGrid grid;
    ScaleFitGrid scale_fit;
    int exact_steps;
    TrellisSettings trellis;
};

} // namespace gmat::kquants
