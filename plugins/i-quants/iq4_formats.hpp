// The two 4-bit non-linear formats, byte for byte as ggml defines them
// (ggml-common.h: block_iq4_nl, block_iq4_xs, kvalues_iq4nl).
//
// Both store 4-bit indices into one fixed table of 16 signed levels; a value
// decodes as scale * kIq4Values[index].
//   iq4_nl  32 values per block: fp16 scale d, then 16 bytes of indices
//           (byte j holds value j in its low nibble and value j + 16 in its
//           high nibble). 18 bytes, 4.5 bits per weight.
//   iq4_xs  256 values per super-block: fp16 scale d, then a signed 6-bit
//           code c in [-32, 31] per 32-value sub-block (stored as c + 32:
//           low 4 bits in scales_l, nibble ib % 2 of byte ib / 2; high 2 bits
//           in scales_h, bits 2 ib and 2 ib + 1), then 8 x 16 bytes of
//           indices packed like iq4_nl. Sub-block ib decodes with scale
//           d * c. 136 bytes, 4.25 bits per weight.
#pragma once

#include <cstdint>

namespace gmat::iquants {

inline constexpr int kLevelCount = 16;
// ggml's kvalues_iq4nl: denser near zero, one step longer on the negative side.
inline constexpr int8_t kIq4Values[kLevelCount] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                                   1,    13,   25,  38,  53,  69,  89,  113};

inline constexpr int kBlockValues = 32;      // one iq4_nl block, one iq4_xs sub-block
inline constexpr int kSuperBlockValues = 256; // one iq4_xs super-block
inline constexpr int kSubBlocks = kSuperBlockValues / kBlockValues;
inline constexpr int kXsMinCode = -32, kXsMaxCode = 31;

struct Iq4NlBlock {
    uint16_t d; // fp16 bits
    uint8_t qs[kBlockValues / 2];
};
static_assert(sizeof(Iq4NlBlock) == 18, "iq4_nl block must be 18 bytes, as ggml's block_iq4_nl");

struct Iq4XsBlock {
    uint16_t d;        // fp16 bits
    uint16_t scales_h; // high 2 bits of each sub-block's code + 32
    uint8_t scales_l[kSubBlocks / 2];
    uint8_t qs[kSuperBlockValues / 2];
};
static_assert(sizeof(Iq4XsBlock) == 136, "iq4_xs block must be 136 bytes, as ggml's block_iq4_xs");

enum class Iq4Type { nl, xs };

struct Iq4Format {
    const char *name;
    uint32_t gguf_type;
    uint32_t block_elements;
    uint32_t block_bytes;
};

inline constexpr Iq4Format kIq4NlFormat{"iq4_nl", 20, kBlockValues, sizeof(Iq4NlBlock)};
inline constexpr Iq4Format kIq4XsFormat{"iq4_xs", 23, kSuperBlockValues, sizeof(Iq4XsBlock)};

constexpr const Iq4Format &format_of(Iq4Type type) { return type == Iq4Type::nl ? kIq4NlFormat : kIq4XsFormat; }

} // namespace gmat::iquants
