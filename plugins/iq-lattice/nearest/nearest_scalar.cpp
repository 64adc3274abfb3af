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

// sum w p (p - 2 t) over a point's values p, summed pairwise.
float score_of_values(const float *p, const float *w, const float *two_t, int width) {
    float x[8] = {};
    for (int j = 0; j < width; ++j) x[j] = (w[j] * p[j]) * (p[j] - two_t[j]);
    return pairwise_sum(x, width);
}

float score_of(const LatticeTable &t, int index, const float *w, const float *two_t) {
    float p[8];
    for (int j = 0; j < t.width; ++j) p[j] = float(t.points[index * t.width + j]);
    return score_of_values(p, w, two_t, t.width);
}

// The key of a's values (at scale 1 / inv) rounded each to its nearest level
// of t, with the levels' values (may be null) and 2 a inv.
int rounded(const LatticeTable &t, const float *a, float inv, float *values, float *two_t) {
    int key = 0;
    for (int j = 0; j < t.width; ++j) {
        const float v = a[j] * inv;
        const int level = level_of(t, v);
        key += level * t.place[j];
        if (values) values[j] = t.levels[level];
        two_t[j] = v + v;
    }
    return key;
}

// The lowest-scoring candidate of list `list` and its score.
int list_best(const LatticeTable &t, int list, const float *w, const float *two_t, float &best_score) {
    const int32_t first = list * t.list_length, last = first + t.list_length;
    int best = t.candidates[first];
    best_score = std::numeric_limits<float>::infinity();
    for (int32_t c = first; c < last; ++c) {
        const float s = score_of(t, t.candidates[c], w, two_t);
        if (s < best_score) best_score = s, best = t.candidates[c];
    }
    return best;
}

int nearest(const LatticeTable &t, const float *a, const float *w, float inv, float *score) {
    float two_t[8];
    const int key = rounded(t, a, inv, nullptr, two_t);
    const int entry = t.combinations[key];
    if (!(entry & kListEntry)) {
        if (score) *score = score_of(t, entry, w, two_t);
        return entry;
    }
    float best_score;
    const int best = list_best(t, entry & ~kListEntry, w, two_t, best_score);
    if (score) *score = best_score;
    return best;
}

// Best first over two tables, as nearest_avx2.cpp's choose_pair8.
int choose_pair(const LatticeTable *const *tables, const float *a, const float *w, float inv, int &chosen) {
    const int width = tables[0]->width;
    float values[2][8], two_t[8];
    const int key[2] = {rounded(*tables[0], a, inv, values[0], two_t), rounded(*tables[1], a, inv, values[1], two_t)};
    float bound[2] = {score_of_values(values[0], w, two_t, width), score_of_values(values[1], w, two_t, width)};
    int entry[2] = {tables[0]->combinations[key[0]], tables[1]->combinations[key[1]]};
    for (;;) {
        const int s = bound[1] < bound[0] ? 1 : 0;
        if (!(entry[s] & kListEntry)) {
            chosen = s;
            return entry[s];
        }
        entry[s] = list_best(*tables[s], entry[s] & ~kListEntry, w, two_t, bound[s]);
    }
}

SnapSums snap_one(const LatticeTable *const *tables, int n_tables, const float *a, const float *w, float inv,
                  int n_groups, uint16_t *index, uint8_t *shift) {
    const int width = tables[0]->width;
    float qa[8] = {}, q2[8] = {};
    for (int g = 0; g < n_groups; ++g) {
        const float *ag = a + g * width, *wg = w + g * width;
        int chosen = 0;
        const int idx =
            n_tables == 1 ? nearest(*tables[0], ag, wg, inv, nullptr) : choose_pair(tables, ag, wg, inv, chosen);
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

void snap(const LatticeTable *const *tables, int n_tables, const float *a, const float *w, int n_groups,
          SnapRequest *requests, int n_requests) {
    for (SnapRequest *r = requests; r != requests + n_requests; ++r)
        r->sums = snap_one(tables, n_tables, a + r->first, w + r->first, r->inv, n_groups, r->index, r->shift);
}

} // namespace

const NearestKernels scalar::kernels = {"scalar", &nearest, &snap};

} // namespace gmat::iqlattice
