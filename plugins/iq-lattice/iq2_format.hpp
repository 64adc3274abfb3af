// What the three iq2 types share (iq2_xxs, iq2_xs, iq2_s): groups of 8
// values from a grid over the levels 8, 25 and 43, and the sub-block scale
// ((d * (0.5 + c)) * 0.25) of ggml's dequantizers.
#pragma once

#include "lattice.hpp"

namespace gmat::iqlattice {

inline constexpr int kIq2Levels[3] = {8, 25, 43};
inline constexpr int kIq2MaxCode = 15;

struct Iq2Scale {
    static constexpr int kWidth = 8;
    static constexpr int kShifts = 1;
    static constexpr bool kSigned = false, kShiftPerGroup = false;
    static constexpr int kMaxCode = kIq2MaxCode;
    static constexpr int kCodeRadius = 0;
    static constexpr double top_multiplier = (0.5 + kIq2MaxCode) * 0.25;
    static constexpr double grid_unit = 43.0 / 15; // the top level at the search's nominal target 15
    static float sub_scale(float d, int code) { return d * (0.5f + float(code)) * 0.25f; }
};

} // namespace gmat::iqlattice
