// The search settings of each K type and strategy (see README.md for what
// each setting does and how the values were chosen).
#pragma once

#include "search/recipes.hpp"

namespace gmat::kquants {

// Trellis stage off: the standard strategy.
inline constexpr TrellisSettings kNoTrellis{false, 0, 0, 0, 0.0f};

inline constexpr AsymmetricRecipe kQ2KRecipe{
    kQ2KFormat, {WeightRule::Uniform, 1.0f}, {-0.5f, 0.1f, 15}, 2, {true, 4, 2, 2, 0.02f}};
inline constexpr AsymmetricRecipe kQ4KRecipe{
    kQ4KFormat, {WeightRule::Uniform, 2.0f}, {-1.0f, 0.1f, 20}, 2, {true, 4, 2, 2, 0.02f}};
inline constexpr AsymmetricRecipe kQ5KRecipe{
    kQ5KFormat, {WeightRule::Uniform, 2.0f}, {-0.5f, 0.1f, 15}, 2, {true, 4, 2, 2, 0.02f}};
inline constexpr SymmetricRecipe kQ3KRecipe{
    kQ3KFormat, {WeightRule::Uniform, 2.0f}, {-0.9f, -0.5f, 0.1f, 18, 0}, 2, {true, 4, 2, 2, 0.02f}};
inline constexpr SymmetricRecipe kQ6KRecipe{
    kQ6KFormat, {WeightRule::Uniform, 0.0f}, {-0.9f, -0.5f, 0.1f, 18, 0}, 2, {true, 4, 2, 2, 0.02f}};

} // namespace gmat::kquants
