// Weighted least-squares fitting of one block of quantized values, written
// once over a SIMD backend S (ScalarSimd or Avx2Simd) so every backend gets
// the same bytes. A block is NV vectors of 8 values (NV = 2: 16 values,
// NV = 4: 32 values) with optional per-value weights.
//
// Two shapes of block are covered:
//   symmetric  y = d * l,      l integral in [lo, hi]   (q4_0, q8_0, q6_K subblocks)
//   affine     y = d * l + m,  l integral in [0, hi]    (q4_1, q5_1, q4_K subblocks)
//
// The objective everywhere is the weighted squared error
//     J = sum_j w_j (1 + lambda * c_j) (x_j - y_j)^2
// where c_j = 1 when x_j lies beyond the representable range (its nearest
// level was clamped). lambda = 0 gives plain weighted least squares; lambda > 0
// makes clipping an outlier cost more than rounding the bulk (see the legacy
// plugin's README for how its "trellis" strategy uses it). Unweighted blocks
// (kWeighted = false) use w_j = 1 and skip the multiplications.
#pragma once

#include <gmat_quant/half.hpp>

namespace gmat::quant {

template <class S, int NV>
struct Block {
    typename S::F x[NV];
    typename S::F w[NV]; // read only by kWeighted = true functions
};

// Levels chosen for a block, and which values were clamped to the range ends.
template <class S, int NV>
struct BlockLevels {
    typename S::F l[NV];
    typename S::M clipped[NV];
};

struct BlockError {
    float plain;     // sum w (x - y)^2
    float penalized; // plain + lambda * (the same sum over clipped values)
};

namespace detail {

template <class S, bool kWeighted>
GMAT_QUANT_INLINE typename S::F weight_or_one(const typename S::F &w) {
    if constexpr (kWeighted) return w;
    else return S::set1(1.0f);
}

template <class S>
GMAT_QUANT_INLINE typename S::F clamp(typename S::F v, float lo, float hi) {
    return S::min(S::max(v, S::set1(lo)), S::set1(hi));
}

} // namespace detail

// ---- symmetric blocks: y = d * l -------------------------------------------

// l = clamp(round(x * inv_d), lo, hi). inv_d = 0 gives l = 0.
template <class S, int NV>
GMAT_QUANT_INLINE void symmetric_levels(const Block<S, NV> &b, float inv_d, float lo, float hi,
                                        BlockLevels<S, NV> &out) {
    const typename S::F scale = S::set1(inv_d);
    for (int v = 0; v < NV; ++v) {
        const typename S::F r = S::round(S::mul(b.x[v], scale));
        out.l[v] = detail::clamp<S>(r, lo, hi);
        out.clipped[v] = S::neq(r, out.l[v]);
    }
}

// Sum w (x - d l)^2, with y = d * l computed as a dequantizer does.
template <class S, int NV, bool kWeighted>
GMAT_QUANT_INLINE BlockError symmetric_error(const Block<S, NV> &b, float d, const BlockLevels<S, NV> &lv,
                                             float lambda) {
    const typename S::F dv = S::set1(d);
    typename S::F all = S::zero(), clipped = S::zero();
    for (int v = 0; v < NV; ++v) {
        const typename S::F e = S::sub(b.x[v], S::mul(dv, lv.l[v]));
        typename S::F e2 = S::mul(e, e);
        if constexpr (kWeighted) e2 = S::mul(b.w[v], e2);
        all = S::add(all, e2);
        clipped = S::add(clipped, S::select(lv.clipped[v], e2, S::zero()));
    }
    const float plain = S::hsum(all);
    return {plain, lambda == 0.0f ? plain : plain + lambda * S::hsum(clipped)};
}

// The d minimising J for fixed levels: sum w' x l / sum w' l^2 (0 if all l are 0).
template <class S, int NV, bool kWeighted>
GMAT_QUANT_INLINE float symmetric_refit(const Block<S, NV> &b, const BlockLevels<S, NV> &lv, float lambda) {
    const typename S::F boost = S::set1(1.0f + lambda);
    typename S::F sxl = S::zero(), sll = S::zero();
    for (int v = 0; v < NV; ++v) {
        typename S::F w = detail::weight_or_one<S, kWeighted>(b.w[v]);
        if (lambda != 0.0f) w = S::select(lv.clipped[v], S::mul(w, boost), w);
        const typename S::F wl = S::mul(w, lv.l[v]);
        sxl = S::add(sxl, S::mul(wl, b.x[v]));
        sll = S::add(sll, S::mul(wl, lv.l[v]));
    }
    const float num = S::hsum(sxl), den = S::hsum(sll);
    return den > 0.0f ? num / den : 0.0f;
}

// Tries each target t (the level the block's signed extreme value m maps to:
// inverse scale t / m), refits d by least squares for the levels it gives and
// returns the d of the candidate with the lowest J (0 when none has a level).
// xx holds sum w x^2 of the block (J's constant part).
template <class S, int NV, bool kWeighted>
float symmetric_search(const Block<S, NV> &b, float xx, float m, const float *targets, int count, float lo,
                       float hi, float lambda) {
    float best_cost = 0.0f, best_d = 0.0f;
    bool found = false;
    for (int k = 0; k < count; ++k) {
        BlockLevels<S, NV> lv;
        symmetric_levels(b, targets[k] / m, lo, hi, lv);
        typename S::F sxl = S::zero(), sll = S::zero(), cxx = S::zero(), cxl = S::zero(), cll = S::zero();
        int any_clipped = 0;
        for (int v = 0; v < NV; ++v) {
            const typename S::F wl = S::mul(detail::weight_or_one<S, kWeighted>(b.w[v]), lv.l[v]);
            const typename S::F wxl = S::mul(wl, b.x[v]), wll = S::mul(wl, lv.l[v]);
            sxl = S::add(sxl, wxl);
            sll = S::add(sll, wll);
            any_clipped |= S::mask_bits(lv.clipped[v]);
            if (lambda != 0.0f) {
                typename S::F wxx = S::mul(b.x[v], b.x[v]);
                if constexpr (kWeighted) wxx = S::mul(b.w[v], wxx);
                cxx = S::add(cxx, S::select(lv.clipped[v], wxx, S::zero()));
                cxl = S::add(cxl, S::select(lv.clipped[v], wxl, S::zero()));
                cll = S::add(cll, S::select(lv.clipped[v], wll, S::zero()));
            }
        }
        float num = S::hsum(sxl), den = S::hsum(sll), constant = xx;
        if (lambda != 0.0f && any_clipped) {
            num += lambda * S::hsum(cxl);
            den += lambda * S::hsum(cll);
            constant += lambda * S::hsum(cxx);
        }
        if (!(den > 0.0f)) continue;
        const float cost = constant - num * num / den;
        if (!found || cost < best_cost) {
            found = true;
            best_cost = cost;
            best_d = num / den;
        }
    }
    return best_d;
}

// ---- affine blocks: y = d * l + m --------------------------------------------

// l = clamp(round((x - m) * inv_d), 0, hi). inv_d = 0 gives l = 0.
template <class S, int NV>
GMAT_QUANT_INLINE void affine_levels(const Block<S, NV> &b, float m, float inv_d, float hi,
                                     BlockLevels<S, NV> &out) {
    const typename S::F mv = S::set1(m), scale = S::set1(inv_d);
    for (int v = 0; v < NV; ++v) {
        const typename S::F r = S::round(S::mul(S::sub(b.x[v], mv), scale));
        out.l[v] = detail::clamp<S>(r, 0.0f, hi);
        out.clipped[v] = S::neq(r, out.l[v]);
    }
}

// Sum w (x - (d l + m))^2, with y computed as a dequantizer does (mul, then add).
template <class S, int NV, bool kWeighted>
GMAT_QUANT_INLINE BlockError affine_error(const Block<S, NV> &b, float d, float m, const BlockLevels<S, NV> &lv,
                                          float lambda) {
    const typename S::F dv = S::set1(d), mv = S::set1(m);
    typename S::F all = S::zero(), clipped = S::zero();
    for (int v = 0; v < NV; ++v) {
        const typename S::F e = S::sub(b.x[v], S::add(S::mul(dv, lv.l[v]), mv));
        typename S::F e2 = S::mul(e, e);
        if constexpr (kWeighted) e2 = S::mul(b.w[v], e2);
        all = S::add(all, e2);
        clipped = S::add(clipped, S::select(lv.clipped[v], e2, S::zero()));
    }
    const float plain = S::hsum(all);
    return {plain, lambda == 0.0f ? plain : plain + lambda * S::hsum(clipped)};
}

struct AffineScale {
    float d = 0.0f, m = 0.0f;
    bool valid = false; // false when the levels do not determine d (all equal)
};

// Weighted sums of an affine fit over values measured from `origin` (keeps
// the normal equations well conditioned when a block sits far from zero).
struct AffineSums {
    float w = 0, x = 0, xx = 0, l = 0, ll = 0, xl = 0;
};

// Solves the 2x2 normal equations; cost is J at the solution (up to rounding).
GMAT_QUANT_INLINE AffineScale affine_solve(const AffineSums &s, float origin, float *cost) {
    AffineScale r;
    const float det = s.w * s.ll - s.l * s.l;
    if (!(det > 0.0f)) return r;
    r.d = (s.w * s.xl - s.x * s.l) / det;
    const float m_from_origin = (s.ll * s.x - s.l * s.xl) / det;
    if (cost != nullptr) *cost = s.xx - r.d * s.xl - m_from_origin * s.x;
    r.m = m_from_origin + origin;
    r.valid = true;
    return r;
}

template <class S, int NV, bool kWeighted>
GMAT_QUANT_INLINE AffineSums affine_sums(const Block<S, NV> &b, float origin, const BlockLevels<S, NV> &lv,
                                         float lambda) {
    const typename S::F o = S::set1(origin), boost = S::set1(1.0f + lambda);
    typename S::F sw = S::zero(), sx = S::zero(), sxx = S::zero(), sl = S::zero(), sll = S::zero(), sxl = S::zero();
    for (int v = 0; v < NV; ++v) {
        typename S::F w = detail::weight_or_one<S, kWeighted>(b.w[v]);
        if (lambda != 0.0f) w = S::select(lv.clipped[v], S::mul(w, boost), w);
        const typename S::F xo = S::sub(b.x[v], o);
        const typename S::F wx = S::mul(w, xo), wl = S::mul(w, lv.l[v]);
        sw = S::add(sw, w);
        sx = S::add(sx, wx);
        sxx = S::add(sxx, S::mul(wx, xo));
        sl = S::add(sl, wl);
        sll = S::add(sll, S::mul(wl, lv.l[v]));
        sxl = S::add(sxl, S::mul(wl, xo));
    }
    return {S::hsum(sw), S::hsum(sx), S::hsum(sxx), S::hsum(sl), S::hsum(sll), S::hsum(sxl)};
}

// The (d, m) minimising J for fixed levels.
template <class S, int NV, bool kWeighted>
GMAT_QUANT_INLINE AffineScale affine_refit(const Block<S, NV> &b, float origin, const BlockLevels<S, NV> &lv,
                                           float lambda) {
    return affine_solve(affine_sums<S, NV, kWeighted>(b, origin, lv, lambda), origin, nullptr);
}

// Tries inverse scales (hi + delta) / (max - min) for each delta, levels
// measured from min, fits (d, m) by least squares and returns the fit with
// the lowest J (invalid when max == min or no candidate determines d).
template <class S, int NV, bool kWeighted>
AffineScale affine_search(const Block<S, NV> &b, float min, float max, const float *deltas, int count, float hi,
                          float lambda) {
    AffineScale best;
    float best_cost = 0.0f;
    if (!(max > min)) return best;
    const float range = max - min;
    for (int k = 0; k < count; ++k) {
        BlockLevels<S, NV> lv;
        affine_levels(b, min, (hi + deltas[k]) / range, hi, lv);
        float cost = 0.0f;
        const AffineScale fit = affine_solve(affine_sums<S, NV, kWeighted>(b, min, lv, lambda), min, &cost);
        if (fit.valid && (!best.valid || cost < best_cost)) {
            best = fit;
            best_cost = cost;
        }
    }
    return best;
}

} // namespace gmat::quant
