// The error of each lane at a scale the dequantizer will really use (an fp16
// value, or fp16 d times an iq4_xs code), with each value reconstructed as
// scale * level exactly as the dequantizer computes it, and the sums a
// least-squares refit of the scale needs.
//
// The objective of a 32-value block is
//     J = sum w e^2 + lambda * (sum w e)^2 / sum w,      e = x - scale * q
// i.e. the block-mean (DC) part of the error weighs 1 + lambda times the
// rest. The standard strategy uses lambda = 0 (kDc = false): levels nearest
// to x / scale are then optimal. The trellis strategy (kDc = true) follows
// the nearest levels with one pass over the values that moves a value to its
// other neighbouring level wherever that lowers J given the running error sum
// (the coupling term makes nearest rounding no longer optimal).
//
// Internal linkage: compiled once per SIMD backend.
#pragma once

#include "lane_group.hpp"

namespace gmat::iquants {
namespace {

template <class S>
struct LaneFit {
    typename S::F cost; // J
    typename S::F qq;   // sum w q^2
    typename S::F qx;   // sum w q x
    typename S::F q;    // sum w q (kDc only)
};

// The DC term's per-lane constants: lambda / sum w, and sum w x.
template <class S>
struct DcTerm {
    typename S::F weight;
    typename S::F wx;
};

template <class S, bool kWeighted>
DcTerm<S> dc_term(const LaneGroup<S> &g, float lambda) {
    typename S::F w = S::zero(), wx = S::zero();
    for (int i = 0; i < kBlockValues; ++i) {
        const typename S::F wi = kWeighted ? g.w[i] : S::set1(1.0f);
        w = S::add(w, wi);
        wx = S::add(wx, S::mul(wi, g.x[i]));
    }
    const auto positive = S::gt(w, S::zero());
    return {S::select(positive, S::div(S::set1(lambda), S::select(positive, w, S::set1(1.0f))), S::zero()), wx};
}

template <class S>
GMAT_QUANT_INLINE typename S::F safe_divide(typename S::F num, typename S::F den) {
    const auto ok = S::neq(den, S::zero());
    return S::select(ok, S::div(num, S::select(ok, den, S::set1(1.0f))), S::zero());
}

template <class S>
GMAT_QUANT_INLINE typename S::F inverse_or_zero(typename S::F scale) {
    return safe_divide<S>(S::set1(1.0f), scale);
}

// The scale minimising J for fixed levels: (qx + dc q wx) / (qq + dc q^2).
template <class S, bool kDc>
GMAT_QUANT_INLINE void refit_terms(const LaneFit<S> &f, const DcTerm<S> &dc, typename S::F &num, typename S::F &den) {
    num = f.qx;
    den = f.qq;
    if constexpr (kDc) {
        num = S::add(num, S::mul(dc.weight, S::mul(f.q, dc.wx)));
        den = S::add(den, S::mul(dc.weight, S::mul(f.q, f.q)));
    }
}

template <class S, bool kDc>
GMAT_QUANT_INLINE typename S::F refit_scale(const LaneFit<S> &f, const DcTerm<S> &dc) {
    typename S::F num, den;
    refit_terms<S, kDc>(f, dc, num, den);
    return safe_divide<S>(num, den);
}

// The DC pass (kDc): value by value, the other neighbouring level where it lowers J.
template <class S, bool kWeighted>
void dc_pass(const LaneGroup<S> &g, typename S::F scale, typename S::F inverse, const DcTerm<S> &dc,
             typename LaneOps<S>::I *index, typename S::F *error, typename S::F &error_sum, LaneFit<S> &fit) {
    using F = typename S::F;
    using Ops = LaneOps<S>;
    for (int i = 0; i < kBlockValues; ++i) {
        const F w = kWeighted ? g.w[i] : S::set1(1.0f);
        const typename Ops::I other = Ops::other_neighbour(index[i], S::mul(g.x[i], inverse));
        const F q0 = Ops::level_of(index[i]), q1 = Ops::level_of(other);
        const F e1 = S::sub(g.x[i], S::mul(scale, q1));
        const F plain = S::sub(S::mul(w, S::mul(e1, e1)), S::mul(w, S::mul(error[i], error[i])));
        const F shift = S::mul(w, S::sub(e1, error[i]));
        // J changes by the plain part plus dc * ((E + shift)^2 - E^2), E the running sum w e.
        const F dc_change = S::mul(dc.weight, S::mul(shift, S::add(S::add(error_sum, error_sum), shift)));
        const F change = S::add(plain, dc_change);
        const auto take = S::lt(change, S::zero());
        index[i] = Ops::select_index(take, other, index[i]);
        error[i] = S::select(take, e1, error[i]);
        error_sum = S::add(error_sum, S::select(take, shift, S::zero()));
        fit.cost = S::add(fit.cost, S::select(take, plain, S::zero()));
        const F dq = S::select(take, S::sub(q1, q0), S::zero()), wdq = S::mul(w, dq);
        fit.qq = S::add(fit.qq, S::mul(wdq, S::add(q0, q1)));
        fit.qx = S::add(fit.qx, S::mul(wdq, g.x[i]));
        fit.q = S::add(fit.q, wdq);
    }
}

// J of each lane at `scale`; with indices set, also the chosen level indices.
template <class S, bool kWeighted, bool kDc>
LaneFit<S> fit_at_scale(const LaneGroup<S> &g, typename S::F scale, const DcTerm<S> &dc,
                        int32_t (*indices)[8] = nullptr) {
    using F = typename S::F;
    using Ops = LaneOps<S>;
    const F inverse = inverse_or_zero<S>(scale);
    LaneFit<S> fit{S::zero(), S::zero(), S::zero(), S::zero()};
    typename Ops::I index[kDc ? kBlockValues : 1];
    F error[kDc ? kBlockValues : 1];
    F error_sum = S::zero(); // sum w e, for the DC term
    for (int i = 0; i < kBlockValues; ++i) {
        const typename Ops::I k = Ops::snap_index(S::mul(g.x[i], inverse));
        const F q = Ops::level_of(k);
        const F e = S::sub(g.x[i], S::mul(scale, q));
        const F we = kWeighted ? S::mul(g.w[i], e) : e;
        const F wq = kWeighted ? S::mul(g.w[i], q) : q;
        fit.cost = S::add(fit.cost, S::mul(we, e));
        fit.qq = S::add(fit.qq, S::mul(wq, q));
        fit.qx = S::add(fit.qx, S::mul(wq, g.x[i]));
        if constexpr (kDc) {
            fit.q = S::add(fit.q, wq);
            error_sum = S::add(error_sum, we);
            index[i] = k;
            error[i] = e;
        } else if (indices != nullptr) {
            Ops::store_index(indices[i], k);
        }
    }
    if constexpr (kDc) {
        dc_pass<S, kWeighted>(g, scale, inverse, dc, index, error, error_sum, fit);
        fit.cost = S::add(fit.cost, S::mul(dc.weight, S::mul(error_sum, error_sum)));
        if (indices != nullptr)
            for (int i = 0; i < kBlockValues; ++i) Ops::store_index(indices[i], index[i]);
    }
    return fit;
}

template <class S>
GMAT_QUANT_INLINE void keep_better_fit(typename S::M better, const LaneFit<S> &candidate, LaneFit<S> &best) {
    best.cost = S::select(better, candidate.cost, best.cost);
    best.qq = S::select(better, candidate.qq, best.qq);
    best.qx = S::select(better, candidate.qx, best.qx);
    best.q = S::select(better, candidate.q, best.q);
}

// Level indices (0..15) of each lane at its scale, as 8 blocks of 32 bytes.
template <class S, bool kWeighted, bool kDc>
void lane_indices(const LaneGroup<S> &g, typename S::F scale, const DcTerm<S> &dc,
                  uint8_t (&indices)[8][kBlockValues]) {
    int32_t lanes[kBlockValues][8];
    fit_at_scale<S, kWeighted, kDc>(g, scale, dc, lanes);
    for (int i = 0; i < kBlockValues; ++i)
        for (int j = 0; j < 8; ++j) indices[j][i] = uint8_t(lanes[i][j]);
}

} // namespace
} // namespace gmat::iquants
