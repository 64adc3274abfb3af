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
    // grid: `size` points of `width` values (4), each value one of `levels`
    // (8 sorted positive integers); `neighbours`: candidates kept per
    // off-grid combination.
    Lattice(const uint8_t *grid, int size, int width, const int *levels, int neighbours);

    int width() const { return width_; }
    const uint8_t *point(int index) const { return grid_ + index * width_; }

    // The grid index minimising sum w (a - scale * point)^2 for the group's
    // magnitudes a (>= 0), with inv = 1 / scale.
    int nearest(const double *a, const double *w, double scale, double inv) const;

private:
    const uint8_t *grid_;
    int size_, width_;
    int levels_[8];
    double midpoints_[7];
    double first_ = 0, inv_step_ = 0; // inv_step_ > 0: the levels are evenly spaced
    std::vector<int32_t> start_; // per level combination: first candidate in candidates_
    std::vector<uint16_t> candidates_;

    int level_of(double v) const;
};

} // namespace gmat::iqlattice
