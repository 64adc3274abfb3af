// Per-element error weights w of the searches' objective sum w (x - x^)^2.
//
// With an importance vector the weight follows ggml's imatrix-aware
// quantizers: importance * sqrt(sigma2 + x^2), sigma2 = k * mean(x^2) over
// the super-block (k = 1 for q2_k, 2 for q3_k..q5_k), and the bare
// importance for q6_k. Without one each type has a default rule.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "lane_group.hpp"
#include "recipes.hpp"

namespace gmat::kquants::GMAT_KQ_ISA {

// Mean of x^2 over a super-block of 256 values, summed in a fixed order.
static inline float mean_square(const float *x) {
    F8 acc = splat(0.0f);
    for (int i = 0; i < 256; i += 8) {
        const F8 v = load(x + i);
        acc = acc + v * v;
    }
    alignas(32) float lanes[8];
    store(lanes, acc);
    float s = 0.0f;
    for (float l : lanes) s += l;
    return s / 256.0f;
}

template <int N>
static inline void compute_weights(LaneGroup<N> &g, const float *importance_sub, int first, WeightPolicy policy,
                                   float sigma2) {
    if (importance_sub != nullptr) {
        F8 imp[N];
        load_transposed<N>(importance_sub, first, imp);
        if (policy.importance_sigma == 0.0f) {
            for (int i = 0; i < N; ++i) g.w[i] = imp[i];
            return;
        }
        const F8 s2 = splat(sigma2);
        for (int i = 0; i < N; ++i) g.w[i] = imp[i] * sqrt(s2 + g.x[i] * g.x[i]);
        return;
    }
    switch (policy.rule) {
    case WeightRule::Uniform:
        for (int i = 0; i < N; ++i) g.w[i] = splat(1.0f);
        break;
    case WeightRule::Magnitude:
        for (int i = 0; i < N; ++i) g.w[i] = abs(g.x[i]);
        break;
    case WeightRule::Square:
        for (int i = 0; i < N; ++i) g.w[i] = g.x[i] * g.x[i];
        break;
    case WeightRule::RmsPlusAbs: {
        F8 sq = g.x[0] * g.x[0];
        for (int i = 1; i < N; ++i) sq = sq + g.x[i] * g.x[i];
        const F8 rms = sqrt(sq / splat(float(N)));
        for (int i = 0; i < N; ++i) g.w[i] = rms + abs(g.x[i]);
        break;
    }
    }
}

} // namespace gmat::kquants::GMAT_KQ_ISA
