// ggml's iq3_s, byte for byte as ggml-common.h defines block_iq3_s: 256 values
// per block in 110 bytes (3.4375 bits per weight).
//
//   d          fp16 scale of the block
//   qs[64]     low 8 bits of the grid index of each group of 4 values
//   qh[8]      bit g of qh[ib] is bit 8 of the index of group g of sub-block ib
//              (a sub-block is 32 values, 8 groups)
//   signs[32]  one bit per value: bit k % 8 of signs[k / 8] set = value k negative
//   scales[4]  a 4-bit code c per sub-block (byte ib / 2, low nibble for even ib)
//
// Value k of sub-block ib decodes as (d * (1 + 2c)) * grid[index][k % 4] * sign,
// in that order of float operations; grid values are the odd numbers 1..15.
#pragma once

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr int kIq3sBlockValues = 256;
inline constexpr int kIq3sSubBlocks = 8;
inline constexpr int kIq3sGroupsPerSubBlock = 8;
inline constexpr int kIq3sGridSize = 512;
inline constexpr int kIq3sMaxCode = 15;
inline constexpr uint32_t kIq3sGgufType = 21; // GGML_TYPE_IQ3_S

struct Iq3sBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[64];
    uint8_t qh[8];
    uint8_t signs[32];
    uint8_t scales[4];
};
static_assert(sizeof(Iq3sBlock) == 110, "iq3_s block must be 110 bytes, as ggml's block_iq3_s");

// The 512 grid points (4 values each), generated from ggml's dequantizer (grids/generate_grids.cpp).
extern const uint8_t kIq3sGrid[kIq3sGridSize][4];

} // namespace gmat::iqlattice
