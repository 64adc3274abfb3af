// ggml's iq2_xs, byte for byte as ggml-common.h defines block_iq2_xs: 256
// values per block in 74 bytes (2.3125 bits per weight).
//
//   d          fp16 scale of the block
//   qs[32]     little-endian u16 per 8 values: bits 0..8 the grid index,
//              bits 9..15 the sign code (sign_codes.hpp)
//   scales[8]  a 4-bit code c per 16 values (byte s / 2, low nibble for even s)
//
// Value k of 16-value sub-block s decodes as ((d * (0.5 + c)) * 0.25) *
// grid[index][k % 8] * sign, in that order of float operations; grid values
// are 8, 25 and 43.
#pragma once

#include "sign_codes.hpp"

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq2xsGridSize = 512;
inline constexpr uint32_t kIq2xsGgufType = 17; // GGML_TYPE_IQ2_XS

struct Iq2xsBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[64]; // 32 little-endian u16
    uint8_t scales[8];
};
static_assert(sizeof(Iq2xsBlock) == 74, "iq2_xs block must be 74 bytes, as ggml's block_iq2_xs");

// The 512 grid points (8 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const uint8_t kIq2xsGrid[kIq2xsGridSize][8];

} // namespace gmat::iqlattice
