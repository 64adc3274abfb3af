// The AVX2 nearest-point kernel (this file alone gets the AVX2 flags; it is
// reached only after nearest_kernels() checked the CPU): eight candidates'
// scores at once, reduced with the pairwise order of nearest_scalar.cpp.
#include "../nearest_kernels.hpp"

#include <immintrin.h>

#include <limits>

namespace gmat::iqlattice {
namespace {

// Level index of each lane, as level_of in nearest_scalar.cpp.
[[gnu::always_inline]] inline __m256i level_index(const LatticeTable &t, __m256 v) {
    if (t.inv_step > 0) {
        __m256 position = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v, _mm256_set1_ps(t.first)),
                                                      _mm256_set1_ps(t.inv_step)),
                                        _mm256_set1_ps(0.5f));
        position = _mm256_max_ps(position, _mm256_setzero_ps()); // NaN -> 0
        position = _mm256_min_ps(position, _mm256_set1_ps(float(t.n_levels - 1)));
        return _mm256_cvttps_epi32(position);
    }
    __m256i level = _mm256_setzero_si256();
    for (int i = 0; i + 1 < t.n_levels; ++i) // a true compare is -1
        level = _mm256_sub_epi32(level,
                                 _mm256_castps_si256(_mm256_cmp_ps(v, _mm256_set1_ps(t.midpoints[i]), _CMP_GE_OQ)));
    return level;
}

[[gnu::always_inline]] inline int sum_lanes(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// A point's values as floats: eight (width 8), four, or two points' four side by side (width 4).
[[gnu::always_inline]] inline __m256 points8(const int8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(p))));
}
[[gnu::always_inline]] inline __m256 points4x2(const int8_t *p0, const int8_t *p1) {
    int32_t b0, b1;
    __builtin_memcpy(&b0, p0, 4);
    __builtin_memcpy(&b1, p1, 4);
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_insert_epi32(_mm_cvtsi32_si128(b0), b1, 1)));
}
[[gnu::always_inline]] inline __m128 points4(const int8_t *p) {
    int32_t bytes;
    __builtin_memcpy(&bytes, p, 4);
    return _mm_cvtepi32_ps(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(bytes)));
}

// w p (p - 2t) per lane.
[[gnu::always_inline]] inline __m256 terms(__m256 w, __m256 p, __m256 two_t) {
    return _mm256_mul_ps(_mm256_mul_ps(w, p), _mm256_sub_ps(p, two_t));
}

// The least of eight scores, NaN counted as +inf, and its first lane.
[[gnu::always_inline]] inline int first_least(__m256 s, float &least) {
    s = _mm256_blendv_ps(s, _mm256_set1_ps(std::numeric_limits<float>::infinity()), _mm256_cmp_ps(s, s, _CMP_UNORD_Q));
    __m256 m = _mm256_min_ps(s, _mm256_permute2f128_ps(s, s, 1));
    m = _mm256_min_ps(m, _mm256_shuffle_ps(m, m, 0x4E));
    m = _mm256_min_ps(m, _mm256_shuffle_ps(m, m, 0xB1));
    least = _mm256_cvtss_f32(m);
    return __builtin_ctz(unsigned(_mm256_movemask_ps(_mm256_cmp_ps(s, m, _CMP_EQ_OQ))));
}

// The values of v rounded each to its nearest level of t, and that combination's key.
[[gnu::always_inline]] inline int rounded8(const LatticeTable &t, __m256 v, __m256 &values) {
    if (t.n_levels == 3) { // level_index's two compares, their masks keyed by table
        const __m256 up0 = _mm256_cmp_ps(v, _mm256_set1_ps(t.midpoints[0]), _CMP_GE_OQ);
        const __m256 up1 = _mm256_cmp_ps(v, _mm256_set1_ps(t.midpoints[1]), _CMP_GE_OQ);
        const __m256 step0 = _mm256_and_ps(up0, _mm256_set1_ps(t.levels[1] - t.levels[0]));
        const __m256 step1 = _mm256_and_ps(up1, _mm256_set1_ps(t.levels[2] - t.levels[1]));
        values = _mm256_add_ps(_mm256_add_ps(_mm256_set1_ps(t.levels[0]), step0), step1); // small integers, exact
        return t.mask_key[_mm256_movemask_ps(up0)] + t.mask_key[_mm256_movemask_ps(up1)];
    }
    const __m256i level = level_index(t, v);
    values = _mm256_permutevar8x32_ps(_mm256_loadu_ps(t.levels), level);
    return sum_lanes(_mm256_mullo_epi32(level, _mm256_loadu_si256(reinterpret_cast<const __m256i *>(t.place))));
}

// The pairwise sums of x's and y's lanes, in lanes 0 and 1.
[[gnu::always_inline]] inline __m128 pairwise_sums(__m256 x, __m256 y) {
    const __m256 xy = _mm256_hadd_ps(x, y); // x01 x23 y01 y23 | x45 x67 y45 y67
    const __m256 h = _mm256_hadd_ps(xy, xy);
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

// The lowest-scoring candidate of list `list` and its score.
[[gnu::always_inline]] inline int list_best8(const LatticeTable &t, int list, __m256 weights, __m256 two_t,
                                            float &best_score) {
    const int32_t first = list * t.list_length, last = first + t.list_length;
    int best = t.candidates[first];
    best_score = std::numeric_limits<float>::infinity();
    for (int32_t c = first; c < last; c += 8) {
        __m256 x[8];
#pragma GCC unroll 8 // x stays in registers
        for (int k = 0; k < 8; ++k) x[k] = terms(weights, points8(t.points + t.candidates[c + k] * 8), two_t);
        // lanes: candidates 0..3, ((x0 + x1) + (x2 + x3)) | 0..3, ((x4 + x5) + (x6 + x7)); then 4..7
        const __m256 q0123 = _mm256_hadd_ps(_mm256_hadd_ps(x[0], x[1]), _mm256_hadd_ps(x[2], x[3]));
        const __m256 q4567 = _mm256_hadd_ps(_mm256_hadd_ps(x[4], x[5]), _mm256_hadd_ps(x[6], x[7]));
        const __m256 sums = _mm256_add_ps(_mm256_permute2f128_ps(q0123, q4567, 0x20),
                                          _mm256_permute2f128_ps(q0123, q4567, 0x31));
        float least;
        const int lane = first_least(sums, least);
        if (least < best_score) best_score = least, best = t.candidates[c + lane];
    }
    return best;
}

[[gnu::always_inline]] inline int nearest8(const LatticeTable &t, const float *a, const float *w, float inv,
                                          float *score) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_set1_ps(inv));
    __m256 rounded_values; // unused here
    const int key = rounded8(t, v, rounded_values);
    const __m256 weights = _mm256_loadu_ps(w), two_t = _mm256_add_ps(v, v);
    const int entry = t.combinations[key];
    if (!(entry & kListEntry)) {
        if (score) {
            const __m256 x = terms(weights, points8(t.points + entry * 8), two_t);
            *score = _mm_cvtss_f32(pairwise_sums(x, x));
        }
        return entry;
    }
    float best_score;
    const int best = list_best8(t, entry & ~kListEntry, weights, two_t, best_score);
    if (score) *score = best_score;
    return best;
}

// Best first over two tables (nearest_kernels.hpp): bound[s] is the score of
// table s's rounded combination, values[s] its values and entry[s] its
// LatticeTable::combinations entry; list(s, score, values) scores table s's
// list, returning the best point's index. Returns the chosen point's index,
// its table and values.
template <class Values, class List>
[[gnu::always_inline]] inline int best_first(float (&bound)[2], int (&entry)[2], Values (&values)[2], List &&list,
                                            int &chosen, Values &point) {
    for (;;) {
        const int s = bound[1] < bound[0] ? 1 : 0;
        if (!(entry[s] & kListEntry)) {
            chosen = s, point = values[s];
            return entry[s];
        }
        entry[s] = list(s, bound[s], values[s]);
    }
}

[[gnu::always_inline]] inline int choose_pair8(const LatticeTable *const *tables, const float *a, const float *w,
                                              float inv, int &chosen, __m256 &point) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_set1_ps(inv));
    const __m256 weights = _mm256_loadu_ps(w), two_t = _mm256_add_ps(v, v);
    __m256 values[2];
    const int key[2] = {rounded8(*tables[0], v, values[0]), rounded8(*tables[1], v, values[1])};
    const __m128 sums = pairwise_sums(terms(weights, values[0], two_t), terms(weights, values[1], two_t));
    float bound[2] = {_mm_cvtss_f32(sums), _mm_cvtss_f32(_mm_shuffle_ps(sums, sums, 1))};
    int entry[2] = {tables[0]->combinations[key[0]], tables[1]->combinations[key[1]]};
    const auto list = [&](int s, float &score, __m256 &found) {
        const int index = list_best8(*tables[s], entry[s] & ~kListEntry, weights, two_t, score);
        found = points8(tables[s]->points + index * 8);
        return index;
    };
    return best_first(bound, entry, values, list, chosen, point);
}

// The values of v's four lanes rounded each to its nearest level of t, and that combination's key.
[[gnu::always_inline]] inline int rounded4(const LatticeTable &t, __m128 v, __m128 &values) {
    const __m256i level = level_index(t, _mm256_castps128_ps256(v)); // lanes 4..7 unused
    values = _mm256_castps256_ps128(_mm256_permutevar8x32_ps(_mm256_loadu_ps(t.levels), level));
    const __m128i placed = _mm_mullo_epi32(_mm256_castsi256_si128(level),
                                           _mm_loadu_si128(reinterpret_cast<const __m128i *>(t.place)));
    __m128i s = _mm_add_epi32(placed, _mm_shuffle_epi32(placed, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// w p (p - 2t) per lane, four lanes.
[[gnu::always_inline]] inline __m128 terms4(__m128 w, __m128 p, __m128 two_t) {
    return _mm_mul_ps(_mm_mul_ps(w, p), _mm_sub_ps(p, two_t));
}

// (x0 + x1) + (x2 + x3) of x and of y, in lanes 0 and 1.
[[gnu::always_inline]] inline __m128 pairwise_sums4(__m128 x, __m128 y) {
    const __m128 h = _mm_hadd_ps(x, y); // x01 x23 y01 y23
    return _mm_hadd_ps(h, h);
}

[[gnu::always_inline]] inline int list_best4(const LatticeTable &t, int list, __m128 weights4, __m128 two_t4,
                                            float &best_score) {
    const __m256 weights = _mm256_set_m128(weights4, weights4), two_t = _mm256_set_m128(two_t4, two_t4);
    const __m256i candidate_order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const int32_t first = list * t.list_length, last = first + t.list_length;
    int best = t.candidates[first];
    best_score = std::numeric_limits<float>::infinity();
    for (int32_t c = first; c < last; c += 8) {
        __m256 x[4];
#pragma GCC unroll 4 // x stays in registers
        for (int k = 0; k < 4; ++k)
            x[k] = terms(weights,
                         points4x2(t.points + t.candidates[c + 2 * k] * 4, t.points + t.candidates[c + 2 * k + 1] * 4),
                         two_t);
        // lanes: candidates 0, 2, 4, 6 | 1, 3, 5, 7, each (x0 + x1) + (x2 + x3)
        const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(x[0], x[1]), _mm256_hadd_ps(x[2], x[3]));
        float least;
        const int lane = first_least(_mm256_permutevar8x32_ps(h, candidate_order), least);
        if (least < best_score) best_score = least, best = t.candidates[c + lane];
    }
    return best;
}

[[gnu::always_inline]] inline int nearest4(const LatticeTable &t, const float *a, const float *w, float inv,
                                          float *score) {
    const __m128 v = _mm_mul_ps(_mm_loadu_ps(a), _mm_set1_ps(inv));
    __m128 rounded_values; // unused here
    const int key = rounded4(t, v, rounded_values);
    const __m128 weights4 = _mm_loadu_ps(w), two_t4 = _mm_add_ps(v, v);
    const int entry = t.combinations[key];
    if (!(entry & kListEntry)) {
        if (score) {
            const __m128 x = terms4(weights4, points4(t.points + entry * 4), two_t4);
            *score = _mm_cvtss_f32(pairwise_sums4(x, x));
        }
        return entry;
    }
    float best_score;
    const int best = list_best4(t, entry & ~kListEntry, weights4, two_t4, best_score);
    if (score) *score = best_score;
    return best;
}

[[gnu::always_inline]] inline int choose_pair4(const LatticeTable *const *tables, const float *a, const float *w,
                                              float inv, int &chosen, __m128 &point) {
    const __m128 v = _mm_mul_ps(_mm_loadu_ps(a), _mm_set1_ps(inv));
    const __m128 weights = _mm_loadu_ps(w), two_t = _mm_add_ps(v, v);
    __m128 values[2];
    const int key[2] = {rounded4(*tables[0], v, values[0]), rounded4(*tables[1], v, values[1])};
    const __m128 x0 = terms4(weights, values[0], two_t), x1 = terms4(weights, values[1], two_t);
    const __m128 sums = pairwise_sums4(x0, x1);
    float bound[2] = {_mm_cvtss_f32(sums), _mm_cvtss_f32(_mm_shuffle_ps(sums, sums, 1))};
    int entry[2] = {tables[0]->combinations[key[0]], tables[1]->combinations[key[1]]};
    const auto list = [&](int s, float &score, __m128 &found) {
        const int index = list_best4(*tables[s], entry[s] & ~kListEntry, weights, two_t, score);
        found = points4(tables[s]->points + index * 4);
        return index;
    };
    return best_first(bound, entry, values, list, chosen, point);
}

int nearest(const LatticeTable &t, const float *a, const float *w, float inv, float *score) {
    return t.width == 8 ? nearest8(t, a, w, inv, score) : nearest4(t, a, w, inv, score);
}

[[gnu::always_inline]] inline SnapSums snap8(const LatticeTable *const *tables, int n_tables, const float *a,
                                             const float *w, float inv, int n_groups, uint16_t *index, uint8_t *shift) {
    __m256 qa = _mm256_setzero_ps(), q2 = _mm256_setzero_ps();
    for (int g = 0; g < n_groups; ++g) {
        const float *ag = a + g * 8, *wg = w + g * 8;
        int chosen = 0, idx; // each group's point on the only table, or best first over two
        __m256 p;
        if (n_tables == 1)
            idx = nearest8(*tables[0], ag, wg, inv, nullptr), p = points8(tables[0]->points + idx * 8);
        else
            idx = choose_pair8(tables, ag, wg, inv, chosen, p);
        index[g] = uint16_t(idx);
        shift[g] = uint8_t(chosen);
        const __m256 wp = _mm256_mul_ps(_mm256_loadu_ps(wg), p);
        qa = _mm256_add_ps(qa, _mm256_mul_ps(wp, _mm256_loadu_ps(ag)));
        q2 = _mm256_add_ps(q2, _mm256_mul_ps(wp, p));
    }
    const __m128 s = pairwise_sums(qa, q2);
    return {_mm_cvtss_f32(s), _mm_cvtss_f32(_mm_shuffle_ps(s, s, 1))};
}

[[gnu::always_inline]] inline SnapSums snap4(const LatticeTable *const *tables, int n_tables, const float *a,
                                             const float *w, float inv, int n_groups, uint16_t *index, uint8_t *shift) {
    __m128 qa = _mm_setzero_ps(), q2 = _mm_setzero_ps();
    for (int g = 0; g < n_groups; ++g) {
        const float *ag = a + g * 4, *wg = w + g * 4;
        int chosen = 0, idx; // each group's point on the only table, or best first over two
        __m128 p;
        if (n_tables == 1)
            idx = nearest4(*tables[0], ag, wg, inv, nullptr), p = points4(tables[0]->points + idx * 4);
        else
            idx = choose_pair4(tables, ag, wg, inv, chosen, p);
        index[g] = uint16_t(idx);
        shift[g] = uint8_t(chosen);
        const __m128 wp = _mm_mul_ps(_mm_loadu_ps(wg), p);
        qa = _mm_add_ps(qa, _mm_mul_ps(wp, _mm_loadu_ps(ag)));
        q2 = _mm_add_ps(q2, _mm_mul_ps(wp, p));
    }
    const __m128 s = pairwise_sums4(qa, q2);
    return {_mm_cvtss_f32(s), _mm_cvtss_f32(_mm_shuffle_ps(s, s, 1))};
}

void snap(const LatticeTable *const *tables, int n_tables, const float *a, const float *w, int n_groups,
          SnapRequest *requests, int n_requests) {
    SnapRequest *const end = requests + n_requests;
    if (tables[0]->width == 8)
        for (SnapRequest *r = requests; r != end; ++r)
            r->sums = snap8(tables, n_tables, a + r->first, w + r->first, r->inv, n_groups, r->index, r->shift);
    else
        for (SnapRequest *r = requests; r != end; ++r)
            r->sums = snap4(tables, n_tables, a + r->first, w + r->first, r->inv, n_groups, r->index, r->shift);
}

} // namespace

const NearestKernels avx2::kernels = {"avx2", &nearest, &snap};

} // namespace gmat::iqlattice
