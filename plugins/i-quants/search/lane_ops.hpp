// What the searches need beyond <gmat_quant/simd_scalar.hpp>'s 8-lane API:
// moving 8 blocks of 32 values in and out of "one block per lane" order, and
// snapping scaled values to the nearest of the 16 non-linear levels.
//
// LaneOps<S> is specialised once per backend (lane_ops_scalar.hpp,
// lane_ops_avx2.hpp); every operation gives the same bits in both.
#pragma once

#include "../iq4_formats.hpp"

namespace gmat::iquants {

template <class S>
struct LaneOps; // LaneOps<S>::I is a vector of 8 int32 level indices

// Decision thresholds between neighbouring levels: t snaps to level k + 1
// rather than k when t >= kLevelMidpoints[k] (ties go up, as in ggml's
// best_index_int8). Exact in float: the levels are integers.
inline constexpr float kLevelMidpoints[kLevelCount - 1] = {
    0.5f * (kIq4Values[0] + kIq4Values[1]),   0.5f * (kIq4Values[1] + kIq4Values[2]),
    0.5f * (kIq4Values[2] + kIq4Values[3]),   0.5f * (kIq4Values[3] + kIq4Values[4]),
    0.5f * (kIq4Values[4] + kIq4Values[5]),   0.5f * (kIq4Values[5] + kIq4Values[6]),
    0.5f * (kIq4Values[6] + kIq4Values[7]),   0.5f * (kIq4Values[7] + kIq4Values[8]),
    0.5f * (kIq4Values[8] + kIq4Values[9]),   0.5f * (kIq4Values[9] + kIq4Values[10]),
    0.5f * (kIq4Values[10] + kIq4Values[11]), 0.5f * (kIq4Values[11] + kIq4Values[12]),
    0.5f * (kIq4Values[12] + kIq4Values[13]), 0.5f * (kIq4Values[13] + kIq4Values[14]),
    0.5f * (kIq4Values[14] + kIq4Values[15])};

} // namespace gmat::iquants
