// Nearest-point search on a quantization lattice (ggml's grids): each value
// of a group is first rounded to its nearest level on its own; when that
// combination is a grid point it is the best one for any positive weights,
// otherwise a short list of grid points near it (precomputed once, by
// distance in level units) is scored with the weights.
#pragma once

#include <cstdint>
#include <vector>

namespace gmat::iqlattice {

class Lattice {
public:
    // grid: `size` points of `width` values (4 or 8); the lattice's point i is
    // mul * grid[i] + add, each value one of the `n_levels` (2..8) sorted
    // integers `levels`; `neighbours`: candidates kept per off-grid combination.
    Lattice(const uint8_t *grid, int size, int width, const int *levels, int n_levels, int neighbours);
    Lattice(const int8_t *grid, int size, int width, int mul, int add, const int *levels, int n_levels,
            int neighbours);

    int width() const { return width_; }
    const int16_t *point(int index) const { return points_.data() + index * width_; }

    // The grid index minimising sum w (a - scale * point)^2 for the group's
    // targets a, with inv = 1 / scale.
    int nearest(const double *a, const double *w, double scale, double inv) const;

private:
    std::vector<int16_t> points_;
    int size_, width_, n_levels_;
    int levels_[8];
    int place_[8]; // key weight of each position: n_levels^j
    double midpoints_[7];
    double first_ = 0, inv_step_ = 0; // inv_step_ > 0: the levels are evenly spaced
    std::vector<int32_t> start_; // per level combination: first candidate in candidates_
    std::vector<uint16_t> candidates_;

    int level_of(double v) const;
    void build(const int *levels, int neighbours);
};

} // namespace gmat::iqlattice
