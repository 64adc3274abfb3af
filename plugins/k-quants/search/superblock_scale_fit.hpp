// Fitting the fp16 super-block scale d of the symmetric types to the
// sub-block scales found by the per-sub-block search (README.md "Choosing
// d"): each sub-block j wants the scale s_j, and moving it to d*c_j (c_j an
// integer code) costs about h_j (s_j - d c_j)^2, h_j the curvature of its
// error. A grid of inverse scales proposes code vectors; each gets its
// least-squares d; the cheapest wins. Plain scalar code, identical on every
// SIMD path; `static` so the AVX2 translation unit keeps its own copy.
#pragma once

namespace gmat::kquants {

// Returns 0 when no sub-block has a scale. codes span [-neg_codes, neg_codes - 1].
static inline float fit_symmetric_superblock_scale(const float *s, const float *h, int n, int neg_codes, int radius,
                                                   float step) {
    float extreme = 0.0f, extreme_abs = 0.0f;
    for (int j = 0; j < n; ++j) {
        const float a = s[j] < 0.0f ? -s[j] : s[j];
        if (a > extreme_abs) {
            extreme_abs = a;
            extreme = s[j];
        }
    }
    if (!(extreme_abs > 0.0f)) return 0.0f;
    const float lo = -float(neg_codes), hi = float(neg_codes - 1);
    float best_d = -extreme / float(neg_codes), best_score = -1.0f;
    for (int k = -radius; k <= radius; ++k) {
        const float inv = -(float(neg_codes) + step * float(k)) / extreme;
        float hsc = 0.0f, hcc = 0.0f;
        for (int j = 0; j < n; ++j) {
            float c = inv * s[j];
            c = c < lo ? lo : (c > hi ? hi : c);
            c = (c + 12582912.0f) - 12582912.0f; // round half to even
            hsc += h[j] * s[j] * c;
            hcc += h[j] * c * c;
        }
        if (!(hcc > 0.0f)) continue;
        // sum h (s - d c)^2 is smallest at d = hsc / hcc, where it drops by hsc^2 / hcc.
        const float score = hsc * hsc / hcc;
        if (score > best_score) {
            best_score = score;
            best_d = hsc / hcc;
        }
    }
    return best_d;
}

} // namespace gmat::kquants
