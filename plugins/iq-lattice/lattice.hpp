// Nearest-point search on a quantization lattice (ggml's grids): each value
// of a group is first rounded to its nearest level on its own; when that
// combination is a grid point it is the best one for any positive weights,
// otherwise a short list of grid points near it (precomputed once, by
// distance in level units) is scored with the weights. The scoring runs in
// float on an AVX2 or a portable kernel (nearest_kernels.hpp) that give the
// same answer bit for bit.
#pragma once

#include "nearest_kernels.hpp"

#include <cstdint>
#include <vector>

namespace gmat::iqlattice {

class Lattice {
public:
    // grid: `size` points of `width` values (4 or 8); the lattice's point i is
    // mul * grid[i] + add, each value one of the `n_levels` (2..8) sorted
    // integers `levels` (within int8); `neighbours`: candidates kept per
    // off-grid combination.
    Lattice(const uint8_t *grid, int size, int width, const int *levels, int n_levels, int neighbours);
    Lattice(const int8_t *grid, int size, int width, int mul, int add, const int *levels, int n_levels,
            int neighbours);
    Lattice(const Lattice &) = delete; // table_ points into this object's vectors
    Lattice &operator=(const Lattice &) = delete;

    const LatticeTable &table() const { return table_; }
    const int8_t *point(int index) const { return points_.data() + index * table_.width; }

    // The grid index p minimising sum w (a * inv - p)^2 over the group's
    // targets a (inv = 1 / scale). With `score`, also sum w p (p - 2 a inv):
    // that squared error less sum w (a inv)^2, for comparing lattices.
    int nearest(const float *a, const float *w, float inv, float *score = nullptr) const {
        return kernels_->nearest(table_, a, w, inv, score);
    }

    // Runs the snaps `requests` describe (nearest_kernels.hpp), each group on
    // this lattice or, given `other` (same width), on whichever of the two its
    // point scores lower (shift 1: other's).
    void snap(const Lattice *other, const float *a, const float *w, int n_groups, SnapRequest *requests,
              int n_requests) const {
        const LatticeTable *tables[2] = {&table_, other ? &other->table_ : nullptr};
        kernels_->snap(tables, other ? 2 : 1, a, w, n_groups, requests, n_requests);
    }

private:
    std::vector<int8_t> points_;
    std::vector<uint16_t> combinations_; // LatticeTable::combinations
    std::vector<uint16_t> candidates_;   // the off-grid combinations' lists, padded with their first entry
    LatticeTable table_;
    const NearestKernels *kernels_;

    void build(const int *levels, int n_levels, int size, int neighbours);
};

} // namespace gmat::iqlattice
