// ggml's iq3_xxs, byte for byte as ggml-common.h defines block_iq3_xxs: 256
// values per block in 98 bytes (3.0625 bits per weight).
//
//   d        fp16 scale of the block
//   qs[64]   the grid index of each group of 4 values
//   aux[8]   one little-endian u32 per 32-value sub-block: bits 7l..7l+6 are
//            the sign code of values 8l..8l+7 (l = 0..3), bits 28..31 the
//            sub-block's scale code c
//
// A sign code s (7 bits) negates value j (j < 7) when bit j of s is set, and
// value 7 when s has an odd number of bits set: every 8 values carry an even
// number of minus signs. Value k of sub-block ib decodes as
// ((d * (0.5 + c)) * 0.5) * grid[index][k % 4] * sign, in that order of float
// operations; grid values are 4, 12, 20, 28, 36, 44, 52 and 62.
#pragma once

#include "sign_codes.hpp"

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq3xxsGridSize = 256;
inline constexpr int kIq3xxsMaxCode = 15;
inline constexpr uint32_t kIq3xxsGgufType = 18; // GGML_TYPE_IQ3_XXS

struct Iq3xxsBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[64];
    uint8_t scales_and_signs[32]; // 8 little-endian u32
};
static_assert(sizeof(Iq3xxsBlock) == 98, "iq3_xxs block must be 98 bytes, as ggml's block_iq3_xxs");

// The 256 grid points (4 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const uint8_t kIq3xxsGrid[kIq3xxsGridSize][4];

} // namespace gmat::iqlattice
