// Byte layouts of ggml's K-quant super-blocks (ggml-common.h), one struct per
// type. Every field is a byte array so the structs have no padding and the
// layout is exactly what llama.cpp reads from a GGUF file; fp16 fields are raw
// IEEE binary16 bit patterns, little-endian like everything in GGUF.
#pragma once

#include <bit>
#include <cstdint>

namespace gmat::kquants {

static_assert(std::endian::native == std::endian::little, "K-quant blocks are stored little-endian");

// Elements per super-block for every K type (ggml's QK_K).
inline constexpr int kSuperBlock = 256;
// Bytes of the packed 6-bit scale/min codes of q4_k and q5_k (ggml's K_SCALE_SIZE).
inline constexpr int kPackedScaleMinBytes = 12;

// x = d * sc[j] * q - dmin * m[j]; 16 sub-blocks of 16, q in 0..3, sc and m 4-bit.
struct Q2KBlock {
    uint8_t scales[kSuperBlock / 16]; // low nibble: scale code, high nibble: min code
    uint8_t qs[kSuperBlock / 4];      // 2-bit quants, four planes of 32 bytes per 128 values
    uint16_t d;                       // fp16 super-block scale of the scale codes
    uint16_t dmin;                    // fp16 super-block scale of the min codes
};

// x = d * (sc[j] - 32) * (q - 4); 16 sub-blocks of 16, q in 0..7, sc 6-bit.
struct Q3KBlock {
    uint8_t hmask[kSuperBlock / 8]; // bit 2 of q: element i is bit i/32 of byte i%32
    uint8_t qs[kSuperBlock / 4];    // bits 0..1 of q, laid out like q2_k's qs
    uint8_t scales[12];             // 16 six-bit codes: low nibbles in 0..7, high pairs in 8..11
    uint16_t d;
};

// x = d * sc[j] * q - dmin * m[j]; 8 sub-blocks of 32, q in 0..15, sc and m 6-bit.
struct Q4KBlock {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kPackedScaleMinBytes];
    uint8_t qs[kSuperBlock / 2]; // per 64 values: 32 bytes, low nibbles first 32 values
};

// As q4_k with a fifth bit per quant (q in 0..31).
struct Q5KBlock {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kPackedScaleMinBytes];
    uint8_t qh[kSuperBlock / 8]; // bit 4 of q: element i is bit i/32 of byte i%32
    uint8_t qs[kSuperBlock / 2];
};

// x = d * sc[j] * (q - 32); 16 sub-blocks of 16, q in 0..63, sc signed 8-bit.
struct Q6KBlock {
    uint8_t ql[kSuperBlock / 2]; // low 4 bits
    uint8_t qh[kSuperBlock / 4]; // high 2 bits
    int8_t scales[kSuperBlock / 16];
    uint16_t d;
};

// The sizes ggml's static_asserts pin down (bytes per 256 values).
static_assert(sizeof(Q2KBlock) == 84);
static_assert(sizeof(Q3KBlock) == 110);
static_assert(sizeof(Q4KBlock) == 144);
static_assert(sizeof(Q5KBlock) == 176);
static_assert(sizeof(Q6KBlock) == 210);

} // namespace gmat::kquants
