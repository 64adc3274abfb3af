// What iq1_s and iq1_m share: groups of 8 values from the 2048-point grid of
// -1, 0 and 1 (kIq1sGrid), a shift delta = +-0.125 added to every value of a
// group, and the scale d * (2c + 1) with a 3-bit code c. A value decodes as
// (d * (2c + 1)) * (grid + delta).
//
// The search works in eighths: the lattice of shift 0 (delta +0.125) holds
// 8 * grid + 1 (levels -7, 1, 9), that of shift 1 (delta -0.125) 8 * grid - 1,
// and the scale is d * (2c + 1) / 8; the products are the values ggml
// decodes, bit for bit (a power of two moves between the factors).
#pragma once

#include "lattice.hpp"

namespace gmat::iqlattice {

struct Iq1Scale {
    static constexpr int kWidth = 8, kShifts = 2;
    static constexpr bool kSigned = true;
    static constexpr double kSigmaFactor = 2.0; // ggml's iq1 searches: sigma2 = twice the mean square
    static constexpr int kMaxCode = 7;
    static constexpr int kCodeRadius = 0;
    static constexpr double top_multiplier = (2 * kMaxCode + 1) / 8.0;
    static constexpr double grid_unit = 8.0 / 15; // level +-1 (8 eighths) at the search's nominal target 15
    static float sub_scale(float d, int code) { return d * float(2 * code + 1) * 0.125f; }
    // shift 0: delta +0.125, shift 1: delta -0.125; built once per process, shared by both types.
    static const Lattice &lattice(bool wide, int shift);
};

} // namespace gmat::iqlattice
