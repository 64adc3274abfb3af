// Quantizes one block of an affine format (q4_1, q5_1: y = d * l + m).
//
// Candidates, all rounded to their stored fp16 scale and offset before they
// are scored:
//   reference  ggml's (max - min) / hi with m = min, levels rounded to nearest;
//   floor      with an importance vector and min > 0, ggml's imatrix starting
//              point (offset clamped to 0);
//   grid       the best least-squares fit over the plan's deltas;
//   refits     least-squares (d, m) for the current best levels, repeated.
// With keep_reference the block is never worse than the reference in plain
// weighted error, so never worse than ggml's quantize_row_*_ref.
#pragma once

#include "block_candidate.hpp"
#include "search_plan.hpp"

namespace gmat::legacy {
namespace {

template <class S, class Format, bool kWeighted>
Candidate<S> affine_candidate(const Block32<S> &b, float d, float m, float lambda) {
    Candidate<S> c;
    if (!is_finite(d) || !is_finite(m)) return c;
    store_scale(c, d);
    c.m_bits = quant::fp32_to_fp16_saturated(m);
    c.m = quant::fp16_to_fp32(c.m_bits);
    quant::affine_levels(b, c.m, c.d != 0.0f ? 1.0f / c.d : 0.0f, Format::hi, c.levels);
    c.error = quant::affine_error<S, 4, kWeighted>(b, c.d, c.m, c.levels, lambda);
    c.valid = true;
    return c;
}

template <class S, class Format, bool kWeighted>
Candidate<S> best_affine_candidate(const Block32<S> &b, const SearchPlan &plan) {
    typename S::F lo = b.x[0], hi = b.x[0];
    for (int v = 1; v < 4; ++v) {
        lo = S::min(lo, b.x[v]);
        hi = S::max(hi, b.x[v]);
    }
    const float min = S::hmin(lo), max = S::hmax(hi);

    const Candidate<S> reference =
        affine_candidate<S, Format, kWeighted>(b, (max - min) / Format::hi, min, plan.lambda);
    Candidate<S> best = reference;
    if (kWeighted && min > 0.0f) {
        const Candidate<S> c = affine_candidate<S, Format, kWeighted>(b, max / Format::hi, 0.0f, plan.lambda);
        if (improves_on(c, best)) best = c;
    }
    if (reference.d == 0.0f) return best; // constant block, or a range too small for any fp16 scale
    if (plan.grid_size > 0) {
        const quant::AffineScale fit = quant::affine_search<S, 4, kWeighted>(b, min, max, plan.grid, plan.grid_size,
                                                                            Format::hi, plan.lambda);
        if (fit.valid) {
            const Candidate<S> c = affine_candidate<S, Format, kWeighted>(b, fit.d, fit.m, plan.lambda);
            if (improves_on(c, best)) best = c;
        }
    }
    for (int round = 0; round < plan.refits; ++round) {
        const quant::AffineScale fit = quant::affine_refit<S, 4, kWeighted>(b, min, best.levels, plan.lambda);
        if (!fit.valid) break;
        const Candidate<S> c = affine_candidate<S, Format, kWeighted>(b, fit.d, fit.m, plan.lambda);
        if (!improves_on(c, best)) break;
        best = c;
    }
    if (plan.keep_reference && reference.error.plain < best.error.plain) best = reference;
    return best;
}

template <class S, class Format, bool kWeighted>
void quantize_affine_block(const float *x, const float *w, const SearchPlan &plan, typename Format::Block &out) {
    const Block32<S> b = load_block<S>(x, w);
    const Candidate<S> best = best_affine_candidate<S, Format, kWeighted>(b, plan);
    uint8_t codes[kBlockValues];
    candidate_codes<S, Format>(best, codes);
    out.d = best.d_bits;
    out.m = best.m_bits;
    Format::pack(codes, out);
}

} // namespace
} // namespace gmat::legacy
