// The portable nearest-point kernel: the same float operations, in the same
// order, as nearest_avx2.cpp (nearest_kernels.hpp).
#include "../nearest_kernels.hpp"

#include <limits>

namespace gmat::iqlattice {
namespace {

int level_of(const LatticeTable &t, float v) {
    if (t.inv_step > 0) { // ties go up, as with the midpoints
        float position = (v - t.first) * t.inv_step + 0.5f;
        position = position > 0 ? position : 0.0f; // NaN -> 0, as _mm256_max_ps(position, 0)
        const float top = float(t.n_levels - 1);
        position = position < top ? position : top;
        return int(position);
    }
    int level = 0; // the midpoints at or below v (none for NaN)
    for (int i = 0; i + 1 < t.n_levels; ++i) level += v >= t.midpoints[i];
    return level;
}

// x[0] + ... + x[width - 1] in the kernels' pairwise order.
float pairwise_sum(const float *x, int width) {
    const float low = (x[0] + x[1]) + (x[2] + x[3]);
    return width == 4 ? low : low + ((x[4] + x[5]) + (x[6] + x[7]));
}

// sum w p (p - 2 t), summed pairwise.
float score_of(const LatticeTable &t, int index, const float *w, const float *two_t) {
    float x[8] = {};
    const int8_t *p = t.points + index * t.width;
    for (int j = 0; j < t.width; ++j) {
        const float pj = float(p[j]);
        x[j] = (w[j] * pj) * (pj - two_t[j]);
    }
    return pairwise_sum(x, t.width);
}

int nearest(const LatticeTable &t, const float *a, const float *w, float inv, float *score) {
    float two_t[8];
    int key = 0;
    for (int j = 0; j < t.width; ++j) {
        const float v = a[j] * inv;
        key += level_of(t, v) * t.place[j];
        two_t[j] = v + v;
    }
    const int32_t first = t.start[key], last = t.start[key + 1];
    if (last - first == 1) {
        const int index = t.candidates[first];
        if (score) *score = score_of(t, index, w, two_t);
        return index;
    }
    int best = t.candidates[first];
    float best_score = std::numeric_limits<float>::infinity();
    for (int32_t c = first; c < last; ++c) {
        const float s = score_of(t, t.candidates[c], w, two_t);
        if (s < best_score) best_score = s, best = t.candidates[c];
    }
    if (score) *score = best_score;
    return best;
}

SnapSums snap(const LatticeTable *const *tables, int n_tables, const float *a, const float *w, float inv, int n_groups,
              uint16_t *index, uint8_t *shift) {
    const int width = tables[0]->width;
    float qa[8] = {}, q2[8] = {};
    for (int g = 0; g < n_groups; ++g) {
        const float *ag = a + g * width, *wg = w + g * width;
        int chosen = 0, idx;
        if (n_tables == 1) {
            idx = nearest(*tables[0], ag, wg, inv, nullptr);
        } else {
            float s0, s1;
            const int i0 = nearest(*tables[0], ag, wg, inv, &s0), i1 = nearest(*tables[1], ag, wg, inv, &s1);
            chosen = s1 < s0 ? 1 : 0;
            idx = chosen ? i1 : i0;
        }
        index[g] = uint16_t(idx);
        shift[g] = uint8_t(chosen);
        const int8_t *p = tables[chosen]->points + idx * width;
        for (int j = 0; j < width; ++j) {
            const float wp = wg[j] * float(p[j]);
            qa[j] = qa[j] + wp * ag[j];
            q2[j] = q2[j] + wp * float(p[j]);
        }
    }
    return {pairwise_sum(qa, width), pairwise_sum(q2, width)};
}

} // namespace

const NearestKernels scalar::kernels = {"scalar", &nearest, &snap};

} // namespace gmat::iqlattice
