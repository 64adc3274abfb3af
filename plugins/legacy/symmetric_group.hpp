// Quantizes the eight blocks of a group to a symmetric format (q4_0, q5_0,
// q8_0: y = d * l), each lane on its own.
//
// Every candidate is a scale rounded to its stored fp16 value, judged by the
// error of some level set at that scale (a bound of what the block gets when
// rounded to nearest there, see lane_fit.hpp):
//   reference  ggml's scale (q4_0: max / -8), levels rounded to nearest;
//   refit      the least-squares scale of the reference levels;
//   targets    the least-squares scale of the levels each grid target t
//              gives (inverse scale t / m, m the block's signed extreme):
//              the plan's own grid, and ggml's imatrix grid with importance;
//   Lloyd      the plan's rounds of: round to nearest at the best scale, refit.
// Candidates are ranked by the objective: weighted squared error plus, when
// rounding at the candidate's scale clips the block's extreme (its level
// falls beyond the range), lambda times the extreme's weighted squared error. With keep_reference a block is never
// worse than the reference in plain weighted error, so never worse than
// ggml's quantize_row_*_ref.
//
// The standard strategy without importance is reference and refit only, and
// takes the refit without comparing: the refit's fp16 scale is the fp16 value
// nearest the least-squares scale of the reference levels, so at least as
// close to it as the reference scale, and the error of fixed levels grows
// with the distance from that scale.
#pragma once

#include "lane_fit.hpp"
#include "search_plan.hpp"

namespace gmat::legacy {
namespace {

template <class S, class Format, bool kWeighted>
class SymmetricGroupSearch {
    using F = typename S::F;
    using M = typename S::M;
    using L = Lanes<S>;

public:
    SymmetricGroupSearch(const BlockGroup<S> &g, const SearchPlan &plan) : g_(g), plan_(plan) {}

    // The chosen fp16 scale per lane (0: the block is all zero levels).
    F choose() {
        find_extreme();
        reference_ = L::fp16(reference_scale());
        const F inv = L::inverse(reference_);
        if (plan_.own.size == 0 && plan_.imatrix.size == 0 && plan_.refits == 0 && plan_.lambda == 0.0f)
            return standard_choice(inv);
        const SymmetricQuadratic<S> q = symmetric_scan<S, kWeighted>(g_, reference_, inv, Format::lo, Format::hi);
        reference_plain_ = q.rr; // exact: the scan's own scale
        best_ = reference_;
        best_plain_ = q.rr;
        best_objective_ = S::add(q.rr, extreme_penalty(reference_));
        offer(q, q.vertex(), q.has_vertex());
        offer_grid(plan_.own);
        offer_grid(plan_.imatrix);
        for (int round = 0; round < plan_.refits; ++round) lloyd_round();
        M use_reference = S::eq(reference_, S::zero());
        if (plan_.keep_reference) use_reference = S::mask_or(use_reference, S::lt(reference_plain_, best_plain_));
        return S::select(use_reference, reference_, best_);
    }

private:
    // m: per lane the value of largest magnitude, signed; on a tie between
    // +a and -a the first in the block, as ggml's reference takes it.
    void find_extreme() {
        F lo, hi;
        group_range(g_, lo, hi);
        const F neg_lo = S::sub(S::zero(), lo);
        abs_max_ = S::max(hi, neg_lo);
        extreme_ = S::select(S::gt(hi, neg_lo), hi, lo);
        const M tie = S::eq(hi, neg_lo);
        if (S::mask_bits(tie) != 0) {
            F first = extreme_;
            M done = S::lt(S::zero(), S::zero());
            for (int j = 0; j < kBlockValues; ++j) {
                const M hit = S::mask_andnot(S::eq(S::abs(g_.x[j]), abs_max_), done);
                first = S::select(hit, g_.x[j], first);
                done = S::mask_or(done, hit);
            }
            extreme_ = S::select(tie, first, extreme_);
        }
        if (plan_.lambda != 0.0f) extreme_weight_ = weight_at<S, kWeighted>(g_, extreme_); // prices clipping only
    }

    F reference_scale() const {
        if constexpr (Format::gguf_type == Q8_0::gguf_type) return S::div(abs_max_, S::set1(127.0f));
        else return S::mul(extreme_, S::set1(1.0f / Format::lo)); // exact: a power of two
    }

    F standard_choice(F inv) const {
        const F vertex = symmetric_refit<S, kWeighted>(g_, inv, Format::lo, Format::hi);
        const F refit = L::fp16(vertex);
        const M usable = S::mask_and(S::eq(vertex, vertex), S::gt(S::abs(refit), S::zero()));
        return S::select(usable, refit, reference_);
    }

    // lambda * w (m - d l_m)^2 where rounding at d clips the extreme m.
    F extreme_penalty(F d) const {
        if (plan_.lambda == 0.0f) return S::zero();
        const F r = S::round(S::mul(extreme_, L::inverse(d)));
        const M clipped = S::mask_or(S::lt(r, S::set1(Format::lo)), S::gt(r, S::set1(Format::hi)));
        const F e = S::sub(extreme_, S::mul(d, L::clamp(r, Format::lo, Format::hi)));
        const F penalty = S::mul(S::mul(S::set1(plan_.lambda), extreme_weight_), S::mul(e, e));
        return S::select(clipped, penalty, S::zero());
    }

    // Rounds d to fp16 and keeps it in the lanes where its objective bound
    // (error bound from the levels of q, plus the clipping penalty) is best.
    void offer(const SymmetricQuadratic<S> &q, F d, M valid) {
        const F d16 = L::fp16(d);
        const F plain = q.at(d16);
        const F objective = S::add(plain, extreme_penalty(d16));
        const M better = S::mask_and(S::mask_and(valid, S::gt(S::abs(d16), S::zero())), S::lt(objective, best_objective_));
        best_ = S::select(better, d16, best_);
        best_objective_ = S::select(better, objective, best_objective_);
        best_plain_ = S::select(better, plain, best_plain_);
    }

    // Scans K grid targets in one pass and offers their least-squares scales.
    template <int K>
    void offer_targets(const float *targets) {
        F ds[K], inv[K];
        for (int k = 0; k < K; ++k) {
            const F target = S::set1(targets[k]);
            inv[k] = S::div(target, extreme_);
            ds[k] = S::div(extreme_, target);
        }
        SymmetricQuadratic<S> q[K];
        symmetric_scans<S, kWeighted, K>(g_, ds, inv, Format::lo, Format::hi, q);
        for (int k = 0; k < K; ++k) offer(q[k], q[k].vertex(), q[k].has_vertex());
    }

    void offer_grid(const ScaleGrid &grid) {
        int k = 0;
        for (; k + 3 <= grid.size; k += 3) offer_targets<3>(grid.values + k);
        for (; k + 2 <= grid.size; k += 2) offer_targets<2>(grid.values + k);
        for (; k < grid.size; ++k) offer_targets<1>(grid.values + k);
    }

    // Round to nearest at the best scale (its bound becomes exact), refit.
    void lloyd_round() {
        const F inv = L::inverse(best_);
        const SymmetricQuadratic<S> q = symmetric_scan<S, kWeighted>(g_, best_, inv, Format::lo, Format::hi);
        best_plain_ = q.rr; // exact now: these levels are nearest at best_
        best_objective_ = S::add(q.rr, extreme_penalty(best_));
        offer(q, q.vertex(), q.has_vertex());
    }

    const BlockGroup<S> &g_;
    const SearchPlan &plan_;
    F abs_max_, extreme_, extreme_weight_ = S::zero();
    F reference_, reference_plain_;
    F best_, best_plain_, best_objective_;
};

template <class S, class Format, bool kWeighted>
void quantize_symmetric_group(const BlockGroup<S> &g, const SearchPlan &plan, typename Format::Block *out) {
    const typename S::F d = SymmetricGroupSearch<S, Format, kWeighted>(g, plan).choose();
    typename S::F levels[kBlockValues];
    symmetric_levels(g, Lanes<S>::inverse(d), Format::lo, Format::hi, levels);
    write_group<S, Format>(levels, d, S::zero(), g.blocks, out);
}

} // namespace
} // namespace gmat::legacy
