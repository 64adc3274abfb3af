#include "lattice.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace gmat::iqlattice {

const NearestKernels &nearest_kernels(quant::SimdLevel level) {
#if defined(GMAT_QUANT_HAVE_AVX2)
    if (level == quant::SimdLevel::avx2 && quant::supported_simd_level() == quant::SimdLevel::avx2)
        return avx2::kernels;
#else
    (void)level;
#endif
    return scalar::kernels;
}

Lattice::Lattice(const uint8_t *grid, int size, int width, const int *levels, int n_levels, int neighbours)
    : points_(grid, grid + size * width) {
    table_.width = width;
    build(levels, n_levels, size, neighbours);
}

Lattice::Lattice(const int8_t *grid, int size, int width, int mul, int add, const int *levels, int n_levels,
                 int neighbours)
    : points_(size_t(size * width)) {
    for (size_t i = 0; i < points_.size(); ++i) points_[i] = int8_t(mul * grid[i] + add);
    table_.width = width;
    build(levels, n_levels, size, neighbours);
}

void Lattice::build(const int *levels, int n_levels, int size, int neighbours) {
    const int width = table_.width;
    table_.n_levels = n_levels;
    for (int i = 0; i < n_levels; ++i) table_.levels[i] = float(levels[i]);
    for (int i = 0; i + 1 < n_levels; ++i) table_.midpoints[i] = 0.5f * float(levels[i] + levels[i + 1]);
    bool even = n_levels > 1;
    for (int i = 1; i < n_levels; ++i) even &= levels[i] - levels[i - 1] == levels[1] - levels[0];
    // Three levels round by their two midpoints (masks, not arithmetic), as uneven levels do.
    if (even && n_levels > 3) table_.first = float(levels[0]), table_.inv_step = 1.0f / float(levels[1] - levels[0]);
    int keys = 1;
    for (int j = 0; j < width; ++j) table_.place[j] = keys, keys *= n_levels;
    if (n_levels == 3 && width == 8)
        for (int mask = 0; mask < 256; ++mask)
            for (int j = 0; j < width; ++j)
                table_.mask_key[mask] = uint16_t(table_.mask_key[mask] + (mask >> j & 1) * table_.place[j]);
    const auto level_number = [&](int value) { return int(std::find(levels, levels + n_levels, value) - levels); };
    if (size > kListEntry) throw std::logic_error("iq-lattice: a grid of more points than 15 bits index");
    combinations_.assign(size_t(keys), kListEntry);
    for (int index = 0; index < size; ++index) {
        int key = 0;
        for (int j = 0; j < width; ++j) key += level_number(points_[size_t(index * width + j)]) * table_.place[j];
        combinations_[size_t(key)] = uint16_t(index);
    }
    std::vector<int> order(static_cast<size_t>(size));
    std::vector<int> distance(static_cast<size_t>(size));
    const int kept = std::min(neighbours, size);
    // The kernels score 8 at a time; repeating the first changes no answer (ties keep the earlier).
    table_.list_length = (kept + 7) / 8 * 8;
    int lists = 0;
    for (int key = 0; key < keys; ++key) {
        if (combinations_[size_t(key)] != kListEntry) continue; // on the grid
        if (lists >= kListEntry) throw std::logic_error("iq-lattice: more off-grid combinations than 15 bits number");
        combinations_[size_t(key)] = uint16_t(kListEntry | lists++);
        int combination[8];
        for (int j = 0; j < width; ++j) combination[j] = levels[(key / table_.place[j]) % n_levels];
        for (int index = 0; index < size; ++index) {
            const int8_t *p = &points_[size_t(index * width)];
            int d2 = 0;
            for (int j = 0; j < width; ++j) d2 += (p[j] - combination[j]) * (p[j] - combination[j]);
            distance[size_t(index)] = d2;
        }
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + kept, order.end(), [&](int a, int b) {
            return distance[size_t(a)] != distance[size_t(b)] ? distance[size_t(a)] < distance[size_t(b)] : a < b;
        });
        for (int n = 0; n < kept; ++n) candidates_.push_back(uint16_t(order[size_t(n)]));
        for (int n = kept; n < table_.list_length; ++n) candidates_.push_back(uint16_t(order[0]));
    }
    table_.points = points_.data();
    table_.candidates = candidates_.data();
    table_.combinations = combinations_.data();
    kernels_ = &nearest_kernels(quant::simd_level());
}

} // namespace gmat::iqlattice
