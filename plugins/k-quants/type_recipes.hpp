// The search settings of each K type (README.md explains every step and how
// the values were chosen). Both strategies run the start (grid, super-block
// scales, refinement, exact steps); the trellis strategy then runs its stage.
//
// With an importance vector the objective is ggml's imatrix objective, which
// ggml itself searches much harder (and 2-3x slower) than its plain one, so
// those rows get a finer grid and more exact steps (q3_k a wider grid too: with
// the plain one its standard search was 1.002x ggml's imatrix error in
// tests/imatrix, with this one 0.990x).
#pragma once

#include "search/recipes.hpp"

namespace gmat::kquants {

// Asymmetric: format, grid {first, step, steps}, headroom, refine_rounds,
// exact_steps, trellis {descent_steps, scale_refits, scale_trials, trial_step},
// descend_every_start. Without an importance vector only the better start is
// descended (1.22x faster, +0.1-0.2% error); with one both are, as before:
// on stories15M with llama.cpp's imatrix on both sides, descending one start
// moved q2_k_s from 0.985x to 1.034x llama.cpp's KL (bench/fidelity).
inline constexpr AsymmetricRecipe kQ2KRecipe{kQ2KFormat, {-0.5f, 0.4f, 5}, 0.03f, 1, 1, {-1, 2, 1, 0.03f}};
inline constexpr AsymmetricRecipe kQ4KRecipe{kQ4KFormat, {-1.0f, 0.2f, 10}, 0.03f, 1, 1, {-1, 2, 2, 0.015f}};
inline constexpr AsymmetricRecipe kQ5KRecipe{kQ5KFormat, {-1.0f, 0.4f, 5}, 0.03f, 1, 1, {-1, 2, 2, 0.015f}};

inline constexpr AsymmetricRecipe kQ2KImportanceRecipe{kQ2KFormat, {-1.0f, 0.1f, 20}, 0.03f, 1, 2, {-1, 2, 1, 0.03f}, true};
inline constexpr AsymmetricRecipe kQ4KImportanceRecipe{kQ4KFormat, {-1.0f, 0.1f, 20}, 0.03f, 1, 2, {-1, 2, 2, 0.015f}, true};
inline constexpr AsymmetricRecipe kQ5KImportanceRecipe{kQ5KFormat, {-1.0f, 0.1f, 20}, 0.03f, 1, 2, {-1, 2, 2, 0.015f}, true};

// Symmetric: format, grid {long_first, short_first, step, long_count,
// short_count}, scale_fit {radius, step, weight_start}, exact_steps, trellis.
inline constexpr SymmetricRecipe kQ3KRecipe{kQ3KFormat, {-0.5f, -0.5f, 0.5f, 2, 1}, {0, 0.1f, false}, 1, {2, 1, 1, 0.03f}};
inline constexpr SymmetricRecipe kQ6KRecipe{kQ6KFormat, {-0.8f, -0.5f, 0.4f, 5, 1}, {0, 0.1f, false}, 1, {2, 1, 1, 0.02f}};

inline constexpr SymmetricRecipe kQ3KImportanceRecipe{kQ3KFormat, {-1.4f, -0.5f, 0.1f, 29, 3}, {9, 0.1f, true}, 2, {2, 1, 1, 0.03f}};
inline constexpr SymmetricRecipe kQ6KImportanceRecipe{kQ6KFormat, {-0.9f, -0.5f, 0.1f, 19, 1}, {9, 0.1f, true}, 2, {2, 1, 1, 0.02f}};

} // namespace gmat::kquants
