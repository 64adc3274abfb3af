// How much searching a block gets, per strategy (README.md), and the checks
// every type's parameters go through.
#pragma once

#include <gmat/sdk.hpp>

#include <cstdint>

namespace gmat::iqlattice {

struct SearchOptions {
    // Sub-block scales: the largest magnitude maps to `targets` grid values
    // spread over [target_low, target_high]; the best least-squares score on
    // each lattice gets up to `refits` least-squares refits; the best wins.
    int targets = 0;
    double target_low = 0, target_high = 0;
    int refits = 0;
    // Block scale d: max sub-block scale / (largest odd code) times `d_factors`
    // factors over [d_low, d_high], each scored at the stored fp16 value:
    // each sub-block takes the best code for its fitted points, then snaps
    // its groups again at the scales of the codes within `code_radius` of
    // that one.
    int d_factors = 0;
    double d_low = 0, d_high = 0;
    int code_radius = 0;
    bool wide_lattice = false; // more off-grid candidates per group
};

// code_radius: the format's for `standard` (trellis tries 2).
SearchOptions search_options(gmat_scale_strategy strategy, int code_radius);

// Throws sdk::Error naming the type for an unknown strategy, a bad
// trellis_lambda or an importance weight that is negative or not finite.
void check_params(const char *type, const sdk::QuantParams &params, uint64_t n_cols);

} // namespace gmat::iqlattice
