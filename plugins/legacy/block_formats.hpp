// The five legacy ggml block formats: byte layout, level range and how
// levels are packed. Every block holds 32 values. Layouts follow ggml's
// ggml-common.h (block_q4_0 ... block_q8_0); fp16 fields are stored as raw
// little-endian IEEE half bits.
#pragma once

#include <gmat_quant/half.hpp>

#include <cstdint>
#include <cstring>

namespace gmat::legacy {

inline constexpr int kBlockValues = 32;

// Shape of a format's levels: symmetric y = d * l with l in [lo, hi], or
// affine y = d * l + m with l in [0, hi]. A level is stored as code = l - lo.
enum class LevelShape { symmetric, affine };

// The low 4 bits of codes j and j + 16 share byte j (low nibble first).
GMAT_QUANT_INLINE void pack_nibbles(const uint8_t *codes, uint8_t *qs) {
    for (int j = 0; j < 16; ++j) qs[j] = uint8_t((codes[j] & 0x0f) | ((codes[j + 16] & 0x0f) << 4));
}
GMAT_QUANT_INLINE void unpack_nibbles(const uint8_t *qs, uint8_t *codes) {
    for (int j = 0; j < 16; ++j) {
        codes[j] = qs[j] & 0x0f;
        codes[j + 16] = qs[j] >> 4;
    }
}
// Bit j of qh is bit 4 of code j.
GMAT_QUANT_INLINE void pack_fifth_bits(const uint8_t *codes, uint8_t *qh) {
    uint32_t bits = 0;
    for (int j = 0; j < 32; ++j) bits |= uint32_t((codes[j] >> 4) & 1) << j;
    std::memcpy(qh, &bits, 4);
}
GMAT_QUANT_INLINE void unpack_fifth_bits(const uint8_t *qh, uint8_t *codes) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    for (int j = 0; j < 32; ++j) codes[j] |= uint8_t(((bits >> j) & 1) << 4);
}

struct Q4_0 {
    static constexpr const char *name = "q4_0";
    static constexpr uint32_t gguf_type = 2;
    static constexpr LevelShape shape = LevelShape::symmetric;
    static constexpr float lo = -8, hi = 7;
    struct Block {
        uint16_t d;
        uint8_t qs[16];
    };
    // ggml's reference scale: the value of largest magnitude maps to level -8.
    GMAT_QUANT_INLINE static float reference_scale(float signed_max, float) { return signed_max / -8.0f; }
    GMAT_QUANT_INLINE static void pack(const uint8_t *codes, Block &b) { pack_nibbles(codes, b.qs); }
    GMAT_QUANT_INLINE static void unpack(const Block &b, uint8_t *codes) { unpack_nibbles(b.qs, codes); }
};

struct Q4_1 {
    static constexpr const char *name = "q4_1";
    static constexpr uint32_t gguf_type = 3;
    static constexpr LevelShape shape = LevelShape::affine;
    static constexpr float lo = 0, hi = 15;
    struct Block {
        uint16_t d, m;
        uint8_t qs[16];
    };
    GMAT_QUANT_INLINE static void pack(const uint8_t *codes, Block &b) { pack_nibbles(codes, b.qs); }
    GMAT_QUANT_INLINE static void unpack(const Block &b, uint8_t *codes) { unpack_nibbles(b.qs, codes); }
};

struct Q5_0 {
    static constexpr const char *name = "q5_0";
    static constexpr uint32_t gguf_type = 6;
    static constexpr LevelShape shape = LevelShape::symmetric;
    static constexpr float lo = -16, hi = 15;
    struct Block {
        uint16_t d;
        uint8_t qh[4];
        uint8_t qs[16];
    };
    GMAT_QUANT_INLINE static float reference_scale(float signed_max, float) { return signed_max / -16.0f; }
    GMAT_QUANT_INLINE static void pack(const uint8_t *codes, Block &b) {
        pack_nibbles(codes, b.qs);
        pack_fifth_bits(codes, b.qh);
    }
    GMAT_QUANT_INLINE static void unpack(const Block &b, uint8_t *codes) {
        unpack_nibbles(b.qs, codes);
        unpack_fifth_bits(b.qh, codes);
    }
};

struct Q5_1 {
    static constexpr const char *name = "q5_1";
    static constexpr uint32_t gguf_type = 7;
    static constexpr LevelShape shape = LevelShape::affine;
    static constexpr float lo = 0, hi = 31;
    struct Block {
        uint16_t d, m;
        uint8_t qh[4];
        uint8_t qs[16];
    };
    GMAT_QUANT_INLINE static void pack(const uint8_t *codes, Block &b) {
        pack_nibbles(codes, b.qs);
        pack_fifth_bits(codes, b.qh);
    }
    GMAT_QUANT_INLINE static void unpack(const Block &b, uint8_t *codes) {
        unpack_nibbles(b.qs, codes);
        unpack_fifth_bits(b.qh, codes);
    }
};

struct Q8_0 {
    static constexpr const char *name = "q8_0";
    static constexpr uint32_t gguf_type = 8;
    static constexpr LevelShape shape = LevelShape::symmetric;
    // Stored as int8: the code is the level itself (lo only bounds the search).
    static constexpr float lo = -128, hi = 127;
    struct Block {
        uint16_t d;
        int8_t qs[32];
    };
    // ggml's reference scale maps the largest magnitude to +-127 (never -128).
    GMAT_QUANT_INLINE static float reference_scale(float, float abs_max) { return abs_max / 127.0f; }
    GMAT_QUANT_INLINE static void pack(const uint8_t *codes, Block &b) { std::memcpy(b.qs, codes, 32); }
    GMAT_QUANT_INLINE static void unpack(const Block &b, uint8_t *codes) { std::memcpy(codes, b.qs, 32); }
};

static_assert(sizeof(Q4_0::Block) == 18 && sizeof(Q4_1::Block) == 20 && sizeof(Q5_0::Block) == 22 &&
                  sizeof(Q5_1::Block) == 24 && sizeof(Q8_0::Block) == 34,
              "legacy blocks must match ggml's sizes");

// Code stored for level l: l - lo for the unsigned formats, l itself for q8_0.
template <class Format>
constexpr float code_offset() {
    return Format::gguf_type == Q8_0::gguf_type ? 0.0f : -Format::lo;
}

} // namespace gmat::legacy
