// ggml's iq1_m, byte for byte as ggml-common.h defines block_iq1_m: 256
// values per block in 56 bytes (1.75 bits per weight), on iq1_s's grid
// (kIq1sGrid, iq1s_format.hpp).
//
//   qs[32]      low 8 bits of the grid index of values 8q..8q+7
//   qh[16]      a byte per 16 values (sub-block s), a nibble per 8-value
//               group: bits 0..2 (4..6) the high 3 bits of the index of group
//               2s (2s + 1), bit 3 (7) its shift's sign
//   scales[8]   four little-endian u16: bits 3t..3t+2 of u16 k the scale code
//               c of sub-block 4k + t (t = 0..3), bits 12..15 nibble k of the
//               fp16 block scale d (the block has no other field for d)
//
// Value k of sub-block s decodes as (d * (2c + 1)) * (grid[index][k % 8] +
// delta), delta = -0.125 when its group's shift bit is set and +0.125
// otherwise, in that order of float operations.
#pragma once

#include <cstdint>

namespace gmat::iqlattice {

inline constexpr uint32_t kIq1mGgufType = 29; // GGML_TYPE_IQ1_M

struct Iq1mBlock {
    uint8_t qs[32];
    uint8_t qh[16];
    uint8_t scales[8]; // 4 little-endian u16
};
static_assert(sizeof(Iq1mBlock) == 56, "iq1_m block must be 56 bytes, as ggml's block_iq1_m");

// Writes the four scale u16s (codes and d's nibbles) little-endian.
inline void store_iq1m_scales(const uint16_t (&scales)[4], Iq1mBlock &b) {
    for (int k = 0; k < 4; ++k) {
        b.scales[2 * k] = uint8_t(scales[k] & 255);
        b.scales[2 * k + 1] = uint8_t(scales[k] >> 8);
    }
}

// The fp16 bits of d, spread over the top nibbles of the four scale u16s.
inline uint16_t iq1m_d_bits(const Iq1mBlock &b) {
    uint16_t bits = 0;
    for (int k = 0; k < 4; ++k) bits |= uint16_t((b.scales[2 * k + 1] >> 4) << (4 * k));
    return bits;
}

} // namespace gmat::iqlattice
