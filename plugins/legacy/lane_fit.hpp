// Least-squares fitting of the eight blocks of a BlockGroup, lane by lane.
//
// A scan rounds every block to levels at one (inverse) scale per lane and
// returns, per lane, the weighted squared error of those levels as a
// quadratic in the scale (and offset). From it come the least-squares scale
// of the levels (the vertex) and the exact error of any other scale for the
// same levels, without another pass over the values. Rounding to nearest at
// a scale never does worse than any other levels at that scale, so "error of
// levels L at scale d" bounds what a block gets when finally rounded at d.
#pragma once

#include "block_group.hpp"

namespace gmat::legacy {
namespace {

template <class S>
struct Lanes {
    using F = typename S::F;
    using M = typename S::M;

    static F clamp(F v, float lo, float hi) { return S::min(S::max(v, S::set1(lo)), S::set1(hi)); }
    // Rounded to fp16 and back, saturated to +-65504 (no block stores inf).
    static F fp16(F v) { return S::round_to_fp16(clamp(v, -65504.0f, 65504.0f)); }
    // 1 / d, and 0 where d is 0 (those lanes round everything to level 0).
    static F inverse(F d) { return S::select(S::eq(d, S::zero()), S::zero(), S::div(S::set1(1.0f), d)); }
    static F twice(F v) { return S::add(v, v); }
};

// The error of fixed symmetric levels l at scale d, kept in residual form:
// with r = x - ds l the residual at the scan's own scale ds,
//   sum w (x - d l)^2 = rr + 2 (ds - d) rl + (ds - d)^2 ll.
// Every term is small next to sum w x^2, so errors far below it (q8_0, or a
// block of equal values) keep their digits in float.
template <class S>
struct SymmetricQuadratic {
    using F = typename S::F;
    F ds, rr, rl, ll;

    F at(F d) const {
        const F e = S::sub(ds, d);
        return S::add(S::add(rr, Lanes<S>::twice(S::mul(e, rl))), S::mul(S::mul(e, e), ll));
    }
    F vertex() const { return S::add(ds, S::div(rl, ll)); }
    typename S::M has_vertex() const { return S::gt(ll, S::zero()); }
};

// The error of fixed affine levels at scale d and offset m, with values and
// m measured from a per-lane origin: xx - 2d xl - 2m x + d^2 ll + 2dm l + m^2 w.
template <class S>
struct AffineQuadratic {
    using F = typename S::F;
    F w, x, xx, l, ll, xl;

    F at(F d, F m) const {
        const F linear = S::add(S::mul(d, xl), S::mul(m, x));
        const F square = S::add(S::add(S::mul(S::mul(d, d), ll), Lanes<S>::twice(S::mul(S::mul(d, m), l))),
                                S::mul(S::mul(m, m), w));
        return S::add(S::sub(xx, Lanes<S>::twice(linear)), square);
    }
    // The least-squares (d, m); the mask says where the levels determine d.
    typename S::M vertex(F &d, F &m) const {
        const F det = S::sub(S::mul(w, ll), S::mul(l, l));
        d = S::div(S::sub(S::mul(w, xl), S::mul(x, l)), det);
        m = S::div(S::sub(S::mul(ll, x), S::mul(l, xl)), det);
        return S::gt(det, S::zero());
    }
    // The least-squares d with m fixed.
    F scale_for_offset(F m) const { return S::div(S::sub(xl, S::mul(m, l)), ll); }
};

// Symmetric levels l = clamp(round(x * inv_d[k]), lo, hi) for K scales in
// one pass, and each level set's error quadratic around scale ds[k] (any
// scale; 1 / inv_d keeps the residuals smallest).
template <class S, bool kWeighted, int K>
void symmetric_scans(const BlockGroup<S> &g, const typename S::F (&ds)[K], const typename S::F (&inv_d)[K], float lo,
                     float hi, SymmetricQuadratic<S> (&out)[K]) {
    using F = typename S::F;
    // Two chains per scale when there is a single scale, so the adds overlap.
    constexpr int kChains = K == 1 ? 2 : 1;
    F rr[K][kChains], rl[K][kChains], ll[K][kChains];
    for (int k = 0; k < K; ++k)
        for (int c = 0; c < kChains; ++c) rr[k][c] = rl[k][c] = ll[k][c] = S::zero();
    for (int j = 0; j < kBlockValues; j += kChains) {
        GMAT_QUANT_UNROLL
        for (int c = 0; c < kChains; ++c) {
            const F x = g.x[j + c];
            GMAT_QUANT_UNROLL
            for (int k = 0; k < K; ++k) {
                const F l = Lanes<S>::clamp(S::round(S::mul(x, inv_d[k])), lo, hi);
                const F r = S::sub(x, S::mul(ds[k], l));
                F wr = r, wl = l;
                if constexpr (kWeighted) {
                    wr = S::mul(g.w[j + c], r);
                    wl = S::mul(g.w[j + c], l);
                }
                rr[k][c] = S::add(rr[k][c], S::mul(wr, r));
                rl[k][c] = S::add(rl[k][c], S::mul(wr, l));
                ll[k][c] = S::add(ll[k][c], S::mul(wl, l));
            }
        }
    }
    for (int k = 0; k < K; ++k) {
        out[k] = {ds[k], rr[k][0], rl[k][0], ll[k][0]};
        if constexpr (kChains == 2) {
            out[k].rr = S::add(out[k].rr, rr[k][1]);
            out[k].rl = S::add(out[k].rl, rl[k][1]);
            out[k].ll = S::add(out[k].ll, ll[k][1]);
        }
    }
}

template <class S, bool kWeighted>
SymmetricQuadratic<S> symmetric_scan(const BlockGroup<S> &g, typename S::F ds, typename S::F inv_d, float lo,
                                     float hi) {
    SymmetricQuadratic<S> out[1];
    const typename S::F scales[1] = {ds}, inverses[1] = {inv_d};
    symmetric_scans<S, kWeighted, 1>(g, scales, inverses, lo, hi, out);
    return out[0];
}

// The least-squares scale of the levels rounded at inv_d: sum w x l / sum w l^2
// (NaN where all levels are 0). Cheaper than a full scan.
template <class S, bool kWeighted>
typename S::F symmetric_refit(const BlockGroup<S> &g, typename S::F inv_d, float lo, float hi) {
    using F = typename S::F;
    F xl[2] = {S::zero(), S::zero()}, ll[2] = {S::zero(), S::zero()};
    for (int j = 0; j < kBlockValues; j += 2) {
        GMAT_QUANT_UNROLL
        for (int u = 0; u < 2; ++u) {
            const F x = g.x[j + u];
            const F l = Lanes<S>::clamp(S::round(S::mul(x, inv_d)), lo, hi);
            F wl = l;
            if constexpr (kWeighted) wl = S::mul(g.w[j + u], l);
            xl[u] = S::add(xl[u], S::mul(wl, x));
            ll[u] = S::add(ll[u], S::mul(wl, l));
        }
    }
    return S::div(S::add(xl[0], xl[1]), S::add(ll[0], ll[1]));
}

template <class S>
void symmetric_levels(const BlockGroup<S> &g, typename S::F inv_d, float lo, float hi,
                      typename S::F (&levels)[kBlockValues]) {
    for (int j = 0; j < kBlockValues; ++j) levels[j] = Lanes<S>::clamp(S::round(S::mul(g.x[j], inv_d)), lo, hi);
}

// Affine levels l = clamp(round((x - origin) * inv_d), 0, hi) and their
// quadratic, measured from origin. kWithSquares = false leaves xx at 0 (for
// comparing scales of these same levels only).
template <class S, bool kWeighted, bool kWithSquares>
AffineQuadratic<S> affine_scan(const BlockGroup<S> &g, typename S::F origin, typename S::F inv_d, float hi) {
    using F = typename S::F;
    constexpr int kChains = 2; // independent sums, so the adds do not wait on each other
    F sw[kChains], sx[kChains], sxx[kChains], sl[kChains], sll[kChains], sxl[kChains];
    for (int c = 0; c < kChains; ++c) sw[c] = sx[c] = sxx[c] = sl[c] = sll[c] = sxl[c] = S::zero();
    for (int j = 0; j < kBlockValues; j += kChains) {
        GMAT_QUANT_UNROLL
        for (int c = 0; c < kChains; ++c) {
            const F xo = S::sub(g.x[j + c], origin);
            const F l = Lanes<S>::clamp(S::round(S::mul(xo, inv_d)), 0.0f, hi);
            F wx = xo, wl = l;
            if constexpr (kWeighted) {
                sw[c] = S::add(sw[c], g.w[j + c]);
                wx = S::mul(g.w[j + c], xo);
                wl = S::mul(g.w[j + c], l);
            }
            sx[c] = S::add(sx[c], wx);
            if constexpr (kWithSquares) sxx[c] = S::add(sxx[c], S::mul(wx, xo));
            sl[c] = S::add(sl[c], wl);
            sll[c] = S::add(sll[c], S::mul(wl, l));
            sxl[c] = S::add(sxl[c], S::mul(wl, xo));
        }
    }
    return {kWeighted ? S::add(sw[0], sw[1]) : S::set1(float(kBlockValues)), S::add(sx[0], sx[1]),
            S::add(sxx[0], sxx[1]), S::add(sl[0], sl[1]), S::add(sll[0], sll[1]), S::add(sxl[0], sxl[1])};
}

template <class S>
void affine_levels(const BlockGroup<S> &g, typename S::F m, typename S::F inv_d, float hi,
                   typename S::F (&levels)[kBlockValues]) {
    for (int j = 0; j < kBlockValues; ++j)
        levels[j] = Lanes<S>::clamp(S::round(S::mul(S::sub(g.x[j], m), inv_d)), 0.0f, hi);
}

// Per lane, the first weight w_j whose value x_j equals target (1 unweighted).
template <class S, bool kWeighted>
typename S::F weight_at(const BlockGroup<S> &g, typename S::F target) {
    if constexpr (!kWeighted) {
        (void)g;
        (void)target;
        return S::set1(1.0f);
    } else {
        typename S::F weight = S::zero();
        for (int j = kBlockValues - 1; j >= 0; --j) // backwards: the first match is written last
            weight = S::select(S::eq(g.x[j], target), g.w[j], weight);
        return weight;
    }
}

} // namespace
} // namespace gmat::legacy
