// Quantizes one block of a symmetric format (q4_0, q5_0, q8_0: y = d * l).
//
// Candidates, all rounded to their stored fp16 scale before they are scored:
//   reference  ggml's scale (q4_0: max / -8), levels rounded to nearest;
//   grid       the best of the plan's targets by the search objective;
//   refits     least-squares scale for the current best levels, repeated.
// With keep_reference the block is never worse than the reference in plain
// weighted error, so never worse than ggml's quantize_row_*_ref.
#pragma once

#include "block_candidate.hpp"
#include "search_plan.hpp"

namespace gmat::legacy {
namespace {

template <class S, class Format, bool kWeighted>
Candidate<S> symmetric_candidate(const Block32<S> &b, float d, float lambda) {
    Candidate<S> c;
    if (!is_finite(d)) return c;
    store_scale(c, d);
    quant::symmetric_levels(b, c.d != 0.0f ? 1.0f / c.d : 0.0f, Format::lo, Format::hi, c.levels);
    c.error = quant::symmetric_error<S, 4, kWeighted>(b, c.d, c.levels, lambda);
    c.valid = true;
    return c;
}

// The first value of largest magnitude (ggml's reference keeps the first on ties).
template <class S>
GMAT_QUANT_INLINE int first_index_of_magnitude(const Block32<S> &b, float abs_max) {
    for (int v = 0; v < 4; ++v) {
        const int bits = S::mask_bits(S::eq(S::abs(b.x[v]), S::set1(abs_max)));
        if (bits != 0) return 8 * v + __builtin_ctz(unsigned(bits));
    }
    return 0;
}

template <class S, bool kWeighted>
GMAT_QUANT_INLINE float weighted_square_sum(const Block32<S> &b) {
    typename S::F acc = S::zero();
    for (int v = 0; v < 4; ++v) {
        typename S::F xx = S::mul(b.x[v], b.x[v]);
        if constexpr (kWeighted) xx = S::mul(b.w[v], xx);
        acc = S::add(acc, xx);
    }
    return S::hsum(acc);
}

template <class S, class Format, bool kWeighted>
Candidate<S> best_symmetric_candidate(const float *x, const Block32<S> &b, const SearchPlan &plan) {
    typename S::F magnitude = S::abs(b.x[0]);
    for (int v = 1; v < 4; ++v) magnitude = S::max(magnitude, S::abs(b.x[v]));
    const float abs_max = S::hmax(magnitude);
    const float signed_max = x[first_index_of_magnitude(b, abs_max)];

    const Candidate<S> reference =
        symmetric_candidate<S, Format, kWeighted>(b, Format::reference_scale(signed_max, abs_max), plan.lambda);
    if (reference.d == 0.0f) return reference; // all zero, or too small for any fp16 scale
    Candidate<S> best = reference;
    if (plan.grid_size > 0) {
        const float xx = weighted_square_sum<S, kWeighted>(b);
        const float d = quant::symmetric_search<S, 4, kWeighted>(b, xx, signed_max, plan.grid, plan.grid_size,
                                                                 Format::lo, Format::hi, plan.lambda);
        const Candidate<S> c = symmetric_candidate<S, Format, kWeighted>(b, d, plan.lambda);
        if (improves_on(c, best)) best = c;
    }
    for (int round = 0; round < plan.refits; ++round) {
        const float d = quant::symmetric_refit<S, 4, kWeighted>(b, best.levels, plan.lambda);
        const Candidate<S> c = symmetric_candidate<S, Format, kWeighted>(b, d, plan.lambda);
        if (!improves_on(c, best)) break;
        best = c;
    }
    if (plan.keep_reference && reference.error.plain < best.error.plain) best = reference;
    return best;
}

template <class S, class Format, bool kWeighted>
void quantize_symmetric_block(const float *x, const float *w, const SearchPlan &plan, typename Format::Block &out) {
    const Block32<S> b = load_block<S>(x, w);
    const Candidate<S> best = best_symmetric_candidate<S, Format, kWeighted>(x, b, plan);
    uint8_t codes[kBlockValues];
    candidate_codes<S, Format>(best, codes);
    out.d = best.d_bits;
    Format::pack(codes, out);
}

} // namespace
} // namespace gmat::legacy
