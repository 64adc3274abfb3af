// ggml's iq2_xxs, byte for byte as ggml-common.h defines block_iq2_xxs: 256
// values per block in 66 bytes (2.0625 bits per weight).
//
//   d        fp16 scale of the block
//   qs[64]   per 32-value sub-block ib, 8 bytes: qs[8ib + l] the grid index of
//            values 8l..8l+7 (l = 0..3), then a little-endian u32 whose bits
//            7l..7l+6 are the sign code of those values (sign_codes.hpp) and
//            bits 28..31 the sub-block's scale code c
//
// Value k of sub-block ib decodes as ((d * (0.5 + c)) * 0.25) * grid[index][k % 8]
// * sign, in that order of float operations; grid values are 8, 25 and 43.
#pragma once

#include "sign_codes.hpp"

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq2xxsGridSize = 256;
inline constexpr uint32_t kIq2xxsGgufType = 16; // GGML_TYPE_IQ2_XXS

struct Iq2xxsBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[64];
};
static_assert(sizeof(Iq2xxsBlock) == 66, "iq2_xxs block must be 66 bytes, as ggml's block_iq2_xxs");

// The 256 grid points (8 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const uint8_t kIq2xxsGrid[kIq2xxsGridSize][8];

} // namespace gmat::iqlattice
