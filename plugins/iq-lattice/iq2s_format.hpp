// ggml's iq2_s, byte for byte as ggml-common.h defines block_iq2_s: 256
// values per block in 82 bytes (2.5625 bits per weight).
//
//   d          fp16 scale of the block
//   qs[64]     qs[q] the low 8 bits of the grid index of values 8q..8q+7
//              (q = 0..31), then qs[32 + q] their sign bits (bit j set =
//              value 8q + j negative)
//   qh[8]      bits 2l, 2l+1 of qh[ib] are bits 8, 9 of the index of group
//              4ib + l
//   scales[8]  a 4-bit code c per 16 values (byte s / 2, low nibble for even s)
//
// Value k of 16-value sub-block s decodes as ((d * (0.5 + c)) * 0.25) *
// grid[index][k % 8] * sign, in that order of float operations; grid values
// are 8, 25 and 43.
#pragma once

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq2sGridSize = 1024;
inline constexpr uint32_t kIq2sGgufType = 22; // GGML_TYPE_IQ2_S

struct Iq2sBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[64];
    uint8_t qh[8];
    uint8_t scales[8];
};
static_assert(sizeof(Iq2sBlock) == 82, "iq2_s block must be 82 bytes, as ggml's block_iq2_s");

// The 1024 grid points (8 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const uint8_t kIq2sGrid[kIq2sGridSize][8];

} // namespace gmat::iqlattice
