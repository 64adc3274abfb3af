// LaneOps for quant::Avx2Simd (see lane_ops.hpp). Include only from
// translation units built with gmat_quant_avx2_sources().
#pragma once

#include "lane_ops.hpp"

#include <gmat_quant/simd_avx2.hpp>

#include <cstddef>
#include <cstdint>

namespace gmat::iquants {

template <>
struct LaneOps<quant::Avx2Simd> {
    using F = __m256;
    struct I {
        __m256i v;
    };

    // out[i] lane j = src[j * stride + i] for i, j < 8 (unpack/shuffle/permute transpose).
    GMAT_QUANT_INLINE static void load_transposed_8x8(const float *src, size_t stride, F *out) {
        __m256 r[8];
        for (int j = 0; j < 8; ++j) r[j] = _mm256_loadu_ps(src + j * stride);
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
        const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
        const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
        out[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
        out[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
        out[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
        out[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
        out[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
        out[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
        out[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
        out[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
    }

    // The same binary search as the scalar version; the thresholds of steps
    // 3 and 4 are picked from a register by the partial index (vpermps).
    GMAT_QUANT_INLINE static I snap_index(F t) {
        const __m256 step1 = _mm256_cmp_ps(t, _mm256_set1_ps(kLevelMidpoints[7]), _CMP_GE_OQ);
        __m256i k = _mm256_and_si256(_mm256_castps_si256(step1), _mm256_set1_epi32(8));
        const __m256 m2 =
            _mm256_blendv_ps(_mm256_set1_ps(kLevelMidpoints[3]), _mm256_set1_ps(kLevelMidpoints[11]), step1);
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(t, m2, _CMP_GE_OQ)),
                                                 _mm256_set1_epi32(4)));
        const __m256 table3 = _mm256_setr_ps(kLevelMidpoints[1], kLevelMidpoints[5], kLevelMidpoints[9],
                                             kLevelMidpoints[13], 0, 0, 0, 0);
        const __m256 m3 = _mm256_permutevar8x32_ps(table3, _mm256_srli_epi32(k, 2));
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(t, m3, _CMP_GE_OQ)),
                                                 _mm256_set1_epi32(2)));
        const __m256 table4 = _mm256_setr_ps(kLevelMidpoints[0], kLevelMidpoints[2], kLevelMidpoints[4],
                                             kLevelMidpoints[6], kLevelMidpoints[8], kLevelMidpoints[10],
                                             kLevelMidpoints[12], kLevelMidpoints[14]);
        const __m256 m4 = _mm256_permutevar8x32_ps(table4, _mm256_srli_epi32(k, 1));
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(t, m4, _CMP_GE_OQ)),
                                                 _mm256_set1_epi32(1)));
        return {k};
    }

    // Levels 0..7 and 8..15 from two registers, chosen by bit 3 of the index.
    GMAT_QUANT_INLINE static F level_of(I index) {
        const __m256 low = _mm256_setr_ps(kIq4Values[0], kIq4Values[1], kIq4Values[2], kIq4Values[3],
                                          kIq4Values[4], kIq4Values[5], kIq4Values[6], kIq4Values[7]);
        const __m256 high = _mm256_setr_ps(kIq4Values[8], kIq4Values[9], kIq4Values[10], kIq4Values[11],
                                           kIq4Values[12], kIq4Values[13], kIq4Values[14], kIq4Values[15]);
        const __m256 upper = _mm256_castsi256_ps(_mm256_slli_epi32(index.v, 28));
        return _mm256_blendv_ps(_mm256_permutevar8x32_ps(low, index.v), _mm256_permutevar8x32_ps(high, index.v), upper);
    }

    GMAT_QUANT_INLINE static F snap(F t) { return level_of(snap_index(t)); }

    GMAT_QUANT_INLINE static I other_neighbour(I index, F t) {
        const __m256i up = _mm256_castps_si256(_mm256_cmp_ps(t, level_of(index), _CMP_GE_OQ)); // -1 or 0
        const __m256i down_step = _mm256_add_epi32(_mm256_add_epi32(up, up), _mm256_set1_epi32(1)); // -1 or +1
        const __m256i k = _mm256_sub_epi32(index.v, down_step);
        return {_mm256_min_epi32(_mm256_max_epi32(k, _mm256_setzero_si256()), _mm256_set1_epi32(kLevelCount - 1))};
    }

    GMAT_QUANT_INLINE static I select_index(__m256 m, I if_true, I if_false) {
        return {_mm256_castps_si256(
            _mm256_blendv_ps(_mm256_castsi256_ps(if_false.v), _mm256_castsi256_ps(if_true.v), m))};
    }

    GMAT_QUANT_INLINE static void store_index(int32_t *dst, I index) {
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), index.v);
    }
};

} // namespace gmat::iquants
