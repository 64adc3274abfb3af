// Per-element error weights w of the searches' objective sum w (x - x^)^2.
//
// Without an importance vector, w = 3 + x^2 / sigma2 (sigma2 the row's mean
// square): the error on a large weight costs more, as the next layer feels it,
// and the floor of 3 keeps small weights from being given up. Chosen on the
// fidelity harness (bench/fidelity: stories15M's KL against llama.cpp's, every
// K mix at or below it; plain squared error, w = 1, was above it for q2_k,
// q3_k_s, q4_k_m and q6_k, and w = 1 + x^2 / sigma2 raised plain error above
// ggml's on the heavy-tailed test matrices). With an importance vector, w is
// ggml's imatrix weighting importance * sqrt(sigma2 + x^2) (ggml uses the
// super-block's mean square, times 1 or 2 depending on the type; the row's is
// what the project's weighted-error metric uses).
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "lane_group.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Mean of x^2 over n values (n a multiple of 8), summed in a fixed order.
static inline float mean_square(const float *x, uint64_t n) {
    F8 acc = splat(0.0f);
    for (uint64_t i = 0; i < n; i += 8) {
        const F8 v = load(x + i);
        acc = acc + v * v;
    }
    return horizontal_sum(acc) / float(n);
}

// Without importance 3 + x^2 / sigma2 (w = 1 for a row whose mean square is
// zero, subnormal or near overflow); with it, ggml's imatrix weighting
// importance * sqrt(sigma2 + x^2), sigma2 the row's mean square.
// Same on every path: the lane operations are exact IEEE operations.
template <int N>
static inline void compute_weights(LaneGroup<N> &g, const float *importance_sub, int first, float sigma2) {
    if (importance_sub == nullptr) {
        if (!(sigma2 >= 1.17549435e-38f && sigma2 <= 1e30f)) {
            for (int i = 0; i < N; ++i) g.w[i] = splat(1.0f);
            return;
        }
        const F8 inv = splat(1.0f / sigma2), floor = splat(3.0f);
        for (int i = 0; i < N; ++i) g.w[i] = floor + g.x[i] * g.x[i] * inv;
        return;
    }
    F8 imp[N];
    load_transposed<N>(importance_sub, first, imp);
    const F8 s2 = splat(sigma2);
    for (int i = 0; i < N; ++i) g.w[i] = imp[i] * sqrt(s2 + g.x[i] * g.x[i]);
    // A sub-block nobody weighs (all importance 0) would otherwise come out
    // as anything; it gets the plain squared error instead.
    const auto weighed = lane_sum<N>(g.w) > splat(0.0f);
    for (int i = 0; i < N; ++i) g.w[i] = select(weighed, g.w[i], splat(1.0f));
}

} // namespace gmat::kquants::GMAT_KQ_ISA
