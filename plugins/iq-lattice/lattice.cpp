#include "lattice.hpp"

#include <algorithm>
#include <numeric>

namespace gmat::iqlattice {

Lattice::Lattice(const uint8_t *grid, int size, int width, const int *levels, int n_levels, int neighbours)
    : points_(grid, grid + size * width), size_(size), width_(width), n_levels_(n_levels) {
    build(levels, neighbours);
}

Lattice::Lattice(const int8_t *grid, int size, int width, int mul, int add, const int *levels, int n_levels,
                 int neighbours)
    : points_(size_t(size * width)), size_(size), width_(width), n_levels_(n_levels) {
    for (size_t i = 0; i < points_.size(); ++i) points_[i] = int16_t(mul * grid[i] + add);
    build(levels, neighbours);
}

void Lattice::build(const int *levels, int neighbours) {
    const int n_levels = n_levels_, width = width_, size = size_;
    const int16_t *grid = points_.data();
    for (int i = 0; i < n_levels; ++i) levels_[i] = levels[i];
    for (int i = 0; i + 1 < n_levels; ++i) midpoints_[i] = 0.5 * (levels[i] + levels[i + 1]);
    bool even = n_levels > 1;
    for (int i = 1; i < n_levels; ++i) even &= levels[i] - levels[i - 1] == levels[1] - levels[0];
    if (even) first_ = levels[0], inv_step_ = 1.0 / (levels[1] - levels[0]);
    int keys = 1;
    for (int j = 0; j < width; ++j) place_[j] = keys, keys *= n_levels;
    std::vector<int> on_grid(size_t(keys), -1);
    // key -> the level of each position
    const auto level_at = [&](int key, int j) { return levels[(key / place_[j]) % n_levels]; };
    for (int index = 0; index < size; ++index) {
        int key = 0;
        for (int j = 0; j < width; ++j) {
            const int level = int(std::find(levels, levels + n_levels, int(grid[index * width + j])) - levels);
            key += level * place_[j];
        }
        on_grid[size_t(key)] = index;
    }
    start_.resize(size_t(keys) + 1);
    std::vector<int> order(static_cast<size_t>(size));
    std::vector<long> distance(static_cast<size_t>(size));
    for (int key = 0; key < keys; ++key) {
        start_[size_t(key)] = int32_t(candidates_.size());
        if (on_grid[size_t(key)] >= 0) {
            candidates_.push_back(uint16_t(on_grid[size_t(key)]));
            continue;
        }
        for (int index = 0; index < size; ++index) {
            long d2 = 0;
            for (int j = 0; j < width; ++j) {
                const long diff = long(grid[index * width + j]) - level_at(key, j);
                d2 += diff * diff;
            }
            distance[size_t(index)] = d2;
        }
        std::iota(order.begin(), order.end(), 0);
        const int kept = std::min(neighbours, size);
        std::partial_sort(order.begin(), order.begin() + kept, order.end(), [&](int a, int b) {
            return distance[size_t(a)] != distance[size_t(b)] ? distance[size_t(a)] < distance[size_t(b)] : a < b;
        });
        for (int n = 0; n < kept; ++n) candidates_.push_back(uint16_t(order[size_t(n)]));
    }
    start_[size_t(keys)] = int32_t(candidates_.size());
}

int Lattice::level_of(double v) const {
    if (inv_step_ > 0) { // ties go up, as with the midpoints
        const double position = (v - first_) * inv_step_ + 0.5;
        const int top = n_levels_ - 1;
        return position <= 0 ? 0 : position >= top ? top : int(position);
    }
    // The midpoints at or below v, counted without a branch on v (values land
    // anywhere, so a loop that stopped at the first larger midpoint mispredicted).
    int level = 0;
    for (int i = 0; i + 1 < n_levels_; ++i) level += v >= midpoints_[i];
    return level;
}

int Lattice::nearest(const double *a, const double *w, double scale, double inv) const {
    int key = 0;
    for (int j = 0; j < width_; ++j) key += level_of(a[j] * inv) * place_[j];
    const int32_t first = start_[size_t(key)], last = start_[size_t(key) + 1];
    if (last - first == 1) return candidates_[size_t(first)];
    int best = candidates_[size_t(first)];
    double best_error = -1;
    for (int32_t c = first; c < last; ++c) {
        const int16_t *p = point(candidates_[size_t(c)]);
        double error = 0;
        for (int j = 0; j < width_; ++j) {
            const double e = a[j] - scale * p[j];
            error += w[j] * e * e;
        }
        if (best_error < 0 || error < best_error) best_error = error, best = candidates_[size_t(c)];
    }
    return best;
}

} // namespace gmat::iqlattice
