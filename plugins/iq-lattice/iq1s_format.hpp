// ggml's iq1_s, byte for byte as ggml-common.h defines block_iq1_s: 256
// values per block in 50 bytes (1.5625 bits per weight).
//
//   d        fp16 scale of the block
//   qs[32]   low 8 bits of the grid index of values 8q..8q+7
//   qh[8]    a little-endian u16 per 32-value sub-block ib: bits 3l..3l+2
//            the high 3 bits of the index of group 4ib + l (l = 0..3), bits
//            12..14 the scale code c, bit 15 the shift's sign
//
// Value k of sub-block ib decodes as (d * (2c + 1)) * (grid[index][k % 8] +
// delta), delta = -0.125 when bit 15 is set and +0.125 otherwise, in that
// order of float operations; grid values are -1, 0 and 1 (no sign bits).
#pragma once

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq1sGridSize = 2048;
inline constexpr uint32_t kIq1sGgufType = 19; // GGML_TYPE_IQ1_S

struct Iq1sBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[32];
    uint8_t qh[16]; // 8 little-endian u16
};
static_assert(sizeof(Iq1sBlock) == 50, "iq1_s block must be 50 bytes, as ggml's block_iq1_s");

// The 2048 grid points (8 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const int8_t kIq1sGrid[kIq1sGridSize][8];

} // namespace gmat::iqlattice
