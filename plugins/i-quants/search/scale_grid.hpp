// The first search stage, per lane: for each trial target T of the recipe,
// levels nearest to x * T / m (m the lane's value of largest magnitude) and
// the scale minimising J (lane_fit.hpp) for those levels:
//     s = (qx + dc q wx) / (qq + dc q^2)   (dc = 0: plain least squares),
// whose J is constant - s * (qx + dc q wx); the best candidate maximises
// that product. The best of each orientation (m on the negative or on the
// positive end of the table) is kept: the fp16 rounding that follows can
// change which one is better.
//
// Internal linkage: compiled once per SIMD backend.
#pragma once

#include "../search_recipe.hpp"
#include "lane_fit.hpp"

namespace gmat::iquants {
namespace {

template <class S>
struct GridChoice {
    typename S::F negative, positive; // best scale per orientation (0 if none)
    typename S::F best;               // the better of the two
};

// The value of largest magnitude of each lane (the first one on ties).
template <class S>
GMAT_QUANT_INLINE typename S::F signed_extreme(const typename S::F *x) {
    typename S::F best = x[0], best_abs = S::abs(x[0]);
    for (int i = 1; i < kBlockValues; ++i) {
        const typename S::F a = S::abs(x[i]);
        const auto bigger = S::gt(a, best_abs);
        best = S::select(bigger, x[i], best);
        best_abs = S::select(bigger, a, best_abs);
    }
    return best;
}

// The sums of the levels nearest to x * inverse.
template <class S, bool kWeighted, bool kDc>
GMAT_QUANT_INLINE LaneFit<S> level_sums(const LaneGroup<S> &g, typename S::F inverse) {
    LaneFit<S> f{S::zero(), S::zero(), S::zero(), S::zero()};
    for (int i = 0; i < kBlockValues; ++i) {
        const typename S::F q = LaneOps<S>::snap(S::mul(g.x[i], inverse));
        const typename S::F wq = kWeighted ? S::mul(g.w[i], q) : q;
        f.qq = S::add(f.qq, S::mul(wq, q));
        f.qx = S::add(f.qx, S::mul(wq, g.x[i]));
        if constexpr (kDc) f.q = S::add(f.q, wq);
    }
    return f;
}

template <class S, bool kWeighted, bool kDc>
GridChoice<S> search_grid(const LaneGroup<S> &g, const TargetGrid &grid, const DcTerm<S> &dc) {
    using F = typename S::F;
    const F extreme = signed_extreme<S>(g.x);
    // Far below the group's largest value (iq4_xs) a lane rounds to zero anyway; skipping it keeps T / m finite.
    const auto usable = S::gt(S::abs(extreme), S::set1(0x1p-100f));
    const F inverse_extreme = S::select(usable, inverse_or_zero<S>(extreme), S::zero());
    F scale[2] = {S::zero(), S::zero()}, score[2] = {S::zero(), S::zero()};
    for (int k = 0; k < grid.count; ++k) {
        const float target = grid.targets[k];
        const LaneFit<S> sums = level_sums<S, kWeighted, kDc>(g, S::mul(inverse_extreme, S::set1(target)));
        F num, den;
        refit_terms<S, kDc>(sums, dc, num, den);
        const F s = safe_divide<S>(num, den);
        const F candidate_score = S::mul(s, num);
        const int side = target < 0.0f ? 0 : 1;
        const auto better = S::gt(candidate_score, score[side]);
        score[side] = S::select(better, candidate_score, score[side]);
        scale[side] = S::select(better, s, scale[side]);
    }
    return {scale[0], scale[1], S::select(S::gt(score[1], score[0]), scale[1], scale[0])};
}

} // namespace
} // namespace gmat::iquants
