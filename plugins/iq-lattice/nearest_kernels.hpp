// The nearest-point kernels behind Lattice::nearest, compiled once per SIMD
// backend (nearest/nearest_scalar.cpp, nearest/nearest_avx2.cpp): plain data
// and function pointers only, so nothing inline is shared with the AVX2
// translation unit. Both compute every float in the same order (a
// candidate's score sums its terms pairwise: ((x0 + x1) + (x2 + x3)) +
// ((x4 + x5) + (x6 + x7))) and break ties towards the earlier candidate, so
// they return the same index and score.
#pragma once

#include <gmat_quant/cpu_features.hpp>

#include <cstdint>

namespace gmat::iqlattice {

// LatticeTable::combinations: an entry with this bit numbers the combination's
// candidate list (it is off the grid); without it, the entry is its grid index.
inline constexpr uint16_t kListEntry = 0x8000;

struct LatticeTable {
    int width = 0;               // 4 or 8 values per point
    int n_levels = 0;            // 2..8
    const int8_t *points = nullptr;      // size * width level values
    const uint16_t *combinations = nullptr; // n_levels^width entries: grid index, or kListEntry | list number
    const uint16_t *candidates = nullptr;   // list n: list_length grid indices from n * list_length
    int list_length = 0;                    // a multiple of 8
    int32_t place[8] = {};       // key weight of position j: n_levels^j
    float levels[8] = {};        // the level values, ascending
    float midpoints[7] = {};     // between consecutive levels (uneven levels)
    float first = 0, inv_step = 0; // inv_step > 0: levels first + k / inv_step (more than 3 levels)
    // 3 levels, width 8: per mask of the positions at or above a midpoint, the
    // sum of their place; a combination's key is that of both midpoints' masks.
    uint16_t mask_key[256] = {};
};

// The grid index p minimising sum w (a * inv - p)^2 over one group's values;
// with `score`, also sum w p (p - 2 a inv).
using NearestFn = int (*)(const LatticeTable &table, const float *a, const float *w, float inv, float *score);

// sum w p a and sum w p^2 over the points a snap chose.
struct SnapSums {
    float qa = 0, q2 = 0;
};

// One snap: n_groups consecutive groups of width values from a + first, w +
// first, at scale 1 / inv.
struct SnapRequest {
    int first = 0;
    float inv = 0;
    uint16_t *index = nullptr; // out: n_groups grid indices
    uint8_t *shift = nullptr;  // out: n_groups tables, 0 or 1
    SnapSums sums;             // out: sum w p a and sum w p^2 over the points chosen
};

// Runs n_requests snaps (all of a search step's sub-blocks in one call, so
// their independent searches overlap): each group's nearest point on
// tables[0] or, with two tables (of one width), on the one whose point
// scores lower (shift 1 only when strictly lower). With two tables the
// search is best first: a table's rounded combination scores no more than
// any of its points, so while the lower of the two tables' scores (table 0
// on a tie) belongs to a rounded combination off the grid, that table's list
// is scored; once the lower one is a grid point it is the answer, and the
// other table's list is never needed (most groups). Sums run lane by lane
// (value j of every group) and then pairwise.
using SnapFn = void (*)(const LatticeTable *const *tables, int n_tables, const float *a, const float *w, int n_groups,
                        SnapRequest *requests, int n_requests);

struct NearestKernels {
    const char *isa;
    NearestFn nearest;
    SnapFn snap;
};

namespace scalar {
extern const NearestKernels kernels;
}
namespace avx2 {
extern const NearestKernels kernels; // GMAT_QUANT_HAVE_AVX2 only
}

// The kernels for `level` (scalar when this build or CPU has no AVX2).
const NearestKernels &nearest_kernels(quant::SimdLevel level);

} // namespace gmat::iqlattice
