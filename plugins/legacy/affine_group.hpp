// Quantizes the eight blocks of a group to an affine format (q4_1, q5_1:
// y = d * l + m), each lane on its own.
//
// Every candidate is a scale and offset rounded to their stored fp16
// values, judged by the error of some level set at them (a bound of what the
// block gets when rounded to nearest there, see lane_fit.hpp):
//   reference  ggml's (max - min) / hi with offset min, levels to nearest;
//   refit      the least-squares (d, m) of the reference levels;
//   floor      with importance where min > 0, ggml's imatrix starting point
//              (offset 0, scale max / hi);
//   deltas     the least-squares fit of the levels each inverse scale
//              (hi + delta) / (max - min) gives (the plan's own grid);
//   walk       with importance, ggml's make_qkx3_quants search;
//   Lloyd      the plan's rounds of: round to nearest at the best (d, m), refit.
// Candidates are ranked by the objective: weighted squared error plus, for
// the block's min and max where rounding at the candidate clips them (their
// level falls beyond the range), lambda times their weighted squared error. With keep_reference a
// block is never worse than the reference in plain weighted error, so never
// worse than ggml's quantize_row_*_ref. The standard strategy without
// importance is reference and refit only, compared without the values'
// squares (the same levels: the constant part cancels).
#pragma once

#include "lane_fit.hpp"
#include "search_plan.hpp"

namespace gmat::legacy {
namespace {

template <class S, class Format, bool kWeighted>
class AffineGroupSearch {
    using F = typename S::F;
    using M = typename S::M;
    using L = Lanes<S>;
    static constexpr float hi = Format::hi;

public:
    AffineGroupSearch(const BlockGroup<S> &g, const SearchPlan &plan) : g_(g), plan_(plan) {}

    // The chosen fp16 scale and offset per lane (d = 0: all levels 0, y = m).
    void choose(F &d, F &m) {
        find_extremes();
        ref_d_ = L::fp16(S::div(S::sub(max_, min_), S::set1(hi)));
        ref_m_ = L::fp16(min_);
        const M zero = S::eq(ref_d_, S::zero());
        if (plan_.own.size == 0 && plan_.imatrix.size == 0 && plan_.refits == 0 && plan_.lambda == 0.0f) {
            standard_choice(d, m);
        } else {
            search();
            M use_reference = zero;
            if (plan_.keep_reference) use_reference = S::mask_or(use_reference, S::lt(ref_plain_, best_plain_));
            d = S::select(use_reference, ref_d_, best_d_);
            m = S::select(use_reference, ref_m_, best_m_);
        }
        d = S::select(zero, ref_d_, d);
        m = S::select(zero, ref_m_, m);
    }

private:
    void find_extremes() {
        group_range(g_, min_, max_);
        if (plan_.lambda == 0.0f) return; // the extremes' weights only price clipping
        max_weight_ = weight_at<S, kWeighted>(g_, max_);
        min_weight_ = weight_at<S, kWeighted>(g_, min_);
    }

    void standard_choice(F &d, F &m) const {
        const AffineQuadratic<S> q = affine_scan<S, kWeighted, false>(g_, ref_m_, L::inverse(ref_d_), hi);
        F vd, vm;
        const M solvable = q.vertex(vd, vm);
        const F d16 = L::fp16(vd), m16 = L::fp16(S::add(vm, ref_m_));
        const F gain = S::sub(q.at(ref_d_, S::zero()), q.at(d16, S::sub(m16, ref_m_)));
        const M better = S::mask_and(S::mask_and(solvable, S::gt(S::abs(d16), S::zero())), S::gt(gain, S::zero()));
        d = S::select(better, d16, ref_d_);
        m = S::select(better, m16, ref_m_);
    }

    // lambda * w (x - y)^2 for min and max where rounding at (d, m) clips them.
    F extreme_penalty(F d, F m) const {
        if (plan_.lambda == 0.0f) return S::zero();
        const F inv = L::inverse(d), lambda = S::set1(plan_.lambda);
        const F low = S::round(S::mul(S::sub(min_, m), inv)), high = S::round(S::mul(S::sub(max_, m), inv));
        const F low_error = S::sub(min_, m);                                       // clipped to level 0
        const F high_error = S::sub(max_, S::add(S::mul(d, S::set1(hi)), m));      // clipped to level hi
        const F low_penalty = S::mul(S::mul(lambda, min_weight_), S::mul(low_error, low_error));
        const F high_penalty = S::mul(S::mul(lambda, max_weight_), S::mul(high_error, high_error));
        return S::add(S::select(S::lt(low, S::zero()), low_penalty, S::zero()),
                      S::select(S::gt(high, S::set1(hi)), high_penalty, S::zero()));
    }

    // Rounds (d, m) to fp16; keeps them in the lanes where their objective
    // bound (error bound from the levels of q, measured from origin, plus the
    // clipping penalty) is best.
    void offer(const AffineQuadratic<S> &q, F origin, F d, F m, M valid) {
        const F d16 = L::fp16(d), m16 = L::fp16(m);
        const F plain = q.at(d16, S::sub(m16, origin));
        const F objective = S::add(plain, extreme_penalty(d16, m16));
        const M better =
            S::mask_and(S::mask_and(valid, S::gt(S::abs(d16), S::zero())), S::lt(objective, best_objective_));
        best_d_ = S::select(better, d16, best_d_);
        best_m_ = S::select(better, m16, best_m_);
        best_objective_ = S::select(better, objective, best_objective_);
        best_plain_ = S::select(better, plain, best_plain_);
    }

    // Scans from origin at inverse scale inv and offers the least-squares fit.
    void offer_scan(F origin, F inv) {
        const AffineQuadratic<S> q = affine_scan<S, kWeighted, true>(g_, origin, inv, hi);
        F d, m;
        const M solvable = q.vertex(d, m);
        offer(q, origin, d, S::add(m, origin), solvable);
    }

    void search() {
        {
            const F inv = L::inverse(ref_d_);
            const AffineQuadratic<S> q = affine_scan<S, kWeighted, true>(g_, ref_m_, inv, hi);
            ref_plain_ = q.at(ref_d_, S::zero());
            best_d_ = ref_d_;
            best_m_ = ref_m_;
            best_plain_ = ref_plain_;
            best_objective_ = S::add(ref_plain_, extreme_penalty(ref_d_, ref_m_));
            F d, m;
            const M solvable = q.vertex(d, m);
            offer(q, ref_m_, d, S::add(m, ref_m_), solvable);
        }
        if (kWeighted) offer_floor();
        const F range = S::sub(max_, min_);
        for (int k = 0; k < plan_.own.size; ++k)
            offer_scan(min_, S::div(S::set1(hi + plan_.own.values[k]), range));
        if (plan_.imatrix.size > 0) imatrix_walk();
        for (int round = 0; round < plan_.refits; ++round) lloyd_round();
    }

    // ggml's imatrix starting point where min > 0: offset 0, scale max / hi.
    void offer_floor() {
        const M positive = S::gt(min_, S::zero());
        if (S::mask_bits(positive) == 0) return;
        const F inv = S::div(S::set1(hi), max_);
        const AffineQuadratic<S> q = affine_scan<S, kWeighted, true>(g_, S::zero(), inv, hi);
        offer(q, S::zero(), S::div(max_, S::set1(hi)), S::zero(), positive);
    }

    // ggml's make_qkx3_quants walk: from origin min(min, 0), try each delta;
    // after each better fit, measure levels from its offset. Offsets above 0
    // are refitted with offset 0. The walk's best fit is offered: trying
    // ggml's own candidates keeps the result no worse than ggml's.
    void imatrix_walk() {
        F origin = S::min(min_, S::zero());
        const F start_inv = S::div(S::set1(hi), S::sub(max_, origin));
        const AffineQuadratic<S> start = affine_scan<S, kWeighted, true>(g_, origin, start_inv, hi);
        F walk_cost = start.at(S::div(S::sub(max_, origin), S::set1(hi)), S::zero());
        AffineQuadratic<S> walk_q = start;
        F walk_origin = origin, walk_d = S::zero(), walk_m = S::zero();
        M found = S::lt(S::zero(), S::zero());
        for (int k = 0; k < plan_.imatrix.size; ++k) {
            const M open = S::gt(max_, origin);
            const F inv = S::div(S::set1(hi + plan_.imatrix.values[k]), S::sub(max_, origin));
            const AffineQuadratic<S> q = affine_scan<S, kWeighted, true>(g_, origin, inv, hi);
            F d, m;
            const M solvable = q.vertex(d, m);
            const M positive = S::gt(S::add(m, origin), S::zero());
            m = S::select(positive, S::sub(S::zero(), origin), m);
            d = S::select(positive, q.scale_for_offset(m), d);
            const F cost = q.at(d, m);
            const M better = S::mask_and(S::mask_and(open, solvable), S::lt(cost, walk_cost));
            walk_cost = S::select(better, cost, walk_cost);
            select_quadratic(better, q, walk_q);
            walk_origin = S::select(better, origin, walk_origin);
            walk_d = S::select(better, d, walk_d);
            walk_m = S::select(better, S::add(m, origin), walk_m);
            found = S::mask_or(found, better);
            origin = S::select(better, S::add(m, origin), origin);
        }
        offer(walk_q, walk_origin, walk_d, walk_m, found);
    }

    static void select_quadratic(M take, const AffineQuadratic<S> &from, AffineQuadratic<S> &to) {
        to.w = S::select(take, from.w, to.w);
        to.x = S::select(take, from.x, to.x);
        to.xx = S::select(take, from.xx, to.xx);
        to.l = S::select(take, from.l, to.l);
        to.ll = S::select(take, from.ll, to.ll);
        to.xl = S::select(take, from.xl, to.xl);
    }

    // Round to nearest at the best (d, m) (its bound becomes exact), refit.
    void lloyd_round() {
        const F inv = L::inverse(best_d_);
        const AffineQuadratic<S> q = affine_scan<S, kWeighted, true>(g_, best_m_, inv, hi);
        best_plain_ = q.at(best_d_, S::zero()); // exact now: these levels are nearest at (d, m)
        best_objective_ = S::add(best_plain_, extreme_penalty(best_d_, best_m_));
        F d, m;
        const M solvable = q.vertex(d, m);
        offer(q, best_m_, d, S::add(m, best_m_), solvable);
    }

    const BlockGroup<S> &g_;
    const SearchPlan &plan_;
    F min_, max_, min_weight_ = S::zero(), max_weight_ = S::zero();
    F ref_d_, ref_m_, ref_plain_;
    F best_d_, best_m_, best_plain_, best_objective_;
};

template <class S, class Format, bool kWeighted>
void quantize_affine_group(const BlockGroup<S> &g, const SearchPlan &plan, typename Format::Block *out) {
    typename S::F d, m;
    AffineGroupSearch<S, Format, kWeighted>(g, plan).choose(d, m);
    typename S::F levels[kBlockValues];
    affine_levels(g, m, Lanes<S>::inverse(d), Format::hi, levels);
    write_group<S, Format>(levels, d, m, g.blocks, out);
}

} // namespace
} // namespace gmat::legacy
