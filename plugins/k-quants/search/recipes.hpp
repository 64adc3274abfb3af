// Tuning of the scale searches, as plain data shared by every SIMD path:
// which error weights, which grid of trial scales, how many refinement
// rounds. The values per type and strategy live in type_recipes.hpp.
#pragma once

#include "../kquant_formats.hpp"

namespace gmat::kquants {

// Error weights w of the objective sum w (x - x^)^2 without an importance vector.
enum class WeightRule {
    Uniform,    // 1: plain squared error
    Magnitude,  // |x|
    Square,     // x^2
    RmsPlusAbs, // rms(sub-block) + |x|
};

struct WeightPolicy {
    WeightRule rule;        // without importance
    float importance_sigma; // with importance: w = imp * sqrt(k * mean(x^2) + x^2); 0 = imp alone
};

// Asymmetric trial inverse scales: (max_level + first + step*k) / range, k = 0..steps.
struct ScaleGrid {
    float first;
    float step;
    int steps;
};

// Symmetric trial inverse scales: the largest magnitude maps to
// -(L + long_first + step*k), k = 0..long_steps, or to +(L - 1 + short_first + step*k).
struct SymmetricGrid {
    float long_first;
    float short_first;
    float step;
    int long_steps;
    int short_steps;
};

// The trellis stage (README.md "Trellis"): exact descent over neighbouring
// codes and least-squares refits of the super-block scales.
struct TrellisSettings {
    bool enabled;
    int descent_steps; // rounds of "move every sub-block to its best neighbouring code"
    int scale_refits;  // rounds of "refit d (and dmin), re-round to fp16, descend again"
    int scale_trials;  // d (then dmin) tried at (1 +- k*trial_step), k = 1..scale_trials
    float trial_step;
};

struct AsymmetricRecipe {
    AsymmetricFormat format;
    WeightPolicy weights;
    ScaleGrid grid;
    int refine_rounds;
    TrellisSettings trellis;
};

struct SymmetricRecipe {
    SymmetricFormat format;
    WeightPolicy weights;
    SymmetricGrid grid;
    int refine_rounds;
    TrellisSettings trellis;
};

} // namespace gmat::kquants
