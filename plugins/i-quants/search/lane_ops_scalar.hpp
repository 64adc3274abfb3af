// LaneOps for quant::ScalarSimd: plain loops, the reference the AVX2 lane
// operations must match bit for bit.
#pragma once

#include "lane_ops.hpp"

#include <gmat_quant/simd_scalar.hpp>

#include <cstddef>
#include <cstdint>

namespace gmat::iquants {

template <>
struct LaneOps<quant::ScalarSimd> {
    using F = quant::ScalarSimd::F;
    struct I {
        int32_t v[8];
    };

    // out[i] lane j = src[j * stride + i] for i, j < 8.
    GMAT_QUANT_INLINE static void load_transposed_8x8(const float *src, size_t stride, F *out) {
        for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 8; ++j) out[i].v[j] = src[j * stride + i];
    }

    // The index of the level nearest to t: a 4-step binary search over the
    // midpoints, the same comparisons the AVX2 version makes.
    GMAT_QUANT_INLINE static I snap_index(F t) {
        I r;
        for (int j = 0; j < 8; ++j) {
            const float x = t.v[j];
            int k = x >= kLevelMidpoints[7] ? 8 : 0;
            k += x >= kLevelMidpoints[k + 3] ? 4 : 0;
            k += x >= kLevelMidpoints[k + 1] ? 2 : 0;
            k += x >= kLevelMidpoints[k] ? 1 : 0;
            r.v[j] = k;
        }
        return r;
    }

    GMAT_QUANT_INLINE static F level_of(I index) {
        F r;
        for (int j = 0; j < 8; ++j) r.v[j] = float(kIq4Values[index.v[j]]);
        return r;
    }

    // The level nearest to t.
    GMAT_QUANT_INLINE static F snap(F t) { return level_of(snap_index(t)); }

    // The other level next to t: one up when t lies above the level of
    // `index`, one down otherwise, `index` itself at the ends of the table.
    GMAT_QUANT_INLINE static I other_neighbour(I index, F t) {
        I r;
        for (int j = 0; j < 8; ++j) {
            const int k = index.v[j] + (t.v[j] >= float(kIq4Values[index.v[j]]) ? 1 : -1);
            r.v[j] = k < 0 ? 0 : (k > kLevelCount - 1 ? kLevelCount - 1 : k);
        }
        return r;
    }

    GMAT_QUANT_INLINE static I select_index(quant::ScalarSimd::M m, I if_true, I if_false) {
        I r;
        for (int j = 0; j < 8; ++j) r.v[j] = m.v[j] ? if_true.v[j] : if_false.v[j];
        return r;
    }

    GMAT_QUANT_INLINE static void store_index(int32_t *dst, I index) {
        for (int j = 0; j < 8; ++j) dst[j] = index.v[j];
    }
};

} // namespace gmat::iquants
