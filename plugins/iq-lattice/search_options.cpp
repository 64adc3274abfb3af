#include "search_options.hpp"

#include <cmath>
#include <string>

namespace gmat::iqlattice {

SearchOptions search_options(gmat_scale_strategy strategy, int code_radius) {
    SearchOptions o;
    if (strategy == GMAT_SCALE_TRELLIS) {
        o.targets = 17, o.target_low = 11.5, o.target_high = 18.5, o.refits = 1;
        o.d_factors = 9, o.d_low = 0.92, o.d_high = 1.08, o.code_radius = 2;
        o.wide_lattice = true;
        return o;
    }
    // Two trial targets and a refit of the better (per lattice), one d, and
    // each sub-block snapped again at its best code's scale (and, with the
    // format's code_radius 1, its neighbours'): 4 or 6 snaps per sub-block
    // where 3 targets with a refit each, 3 factors of d and 3 codes took 15
    // (README.md, "Search").
    o.targets = 2, o.target_low = 13.0, o.target_high = 16.0, o.refits = 1;
    o.d_factors = 1, o.d_low = 1.0, o.d_high = 1.0, o.code_radius = code_radius;
    return o;
}

void check_params(const char *type, const sdk::QuantParams &params, uint64_t n_cols) {
    const auto reject = [&](const std::string &what) {
        throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(type) + ": " + what);
    };
    if (params.strategy != GMAT_SCALE_STANDARD && params.strategy != GMAT_SCALE_TRELLIS)
        reject("unknown scale strategy " + std::to_string(int(params.strategy)) +
               " (expected 0 = standard or 1 = trellis)");
    if (params.strategy == GMAT_SCALE_TRELLIS &&
        !(params.trellis_lambda >= 0.0f && std::isfinite(params.trellis_lambda)))
        reject("trellis_lambda must be a finite number >= 0, got " + std::to_string(params.trellis_lambda));
    if (params.importance == nullptr) return;
    for (uint64_t c = 0; c < n_cols; ++c) {
        const float w = params.importance[c];
        if (!(w >= 0.0f && std::isfinite(w)))
            reject("importance vector column " + std::to_string(c) + " is " + std::to_string(w) +
                   "; expected a finite weight >= 0");
    }
}

} // namespace gmat::iqlattice
