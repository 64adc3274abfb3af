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

// Level codes are packed from and read into 4 vectors of 8 integral floats
// by the SIMD backend S: store_nibbles32 / load_nibbles32 put the low 4 bits
// of codes j and j + 16 in byte j of qs (low nibble first); bit j of qh is
// bit 4 of code j.

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
    template <class S>
    GMAT_QUANT_INLINE static void pack(const typename S::F (&codes)[4], Block &b) { S::store_nibbles32(codes, b.qs); }
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
    template <class S>
    GMAT_QUANT_INLINE static void pack(const typename S::F (&codes)[4], Block &b) { S::store_nibbles32(codes, b.qs); }
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
    template <class S>
    GMAT_QUANT_INLINE static void pack(const typename S::F (&codes)[4], Block &b) {
        S::store_nibbles32(codes, b.qs);
        const uint32_t fifth_bits = S::bit4_mask32(codes);
        std::memcpy(b.qh, &fifth_bits, 4);
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
    template <class S>
    GMAT_QUANT_INLINE static void pack(const typename S::F (&codes)[4], Block &b) {
        S::store_nibbles32(codes, b.qs);
        const uint32_t fifth_bits = S::bit4_mask32(codes);
        std::memcpy(b.qh, &fifth_bits, 4);
    }
};

struct Q8_0 {
    static constexpr const char *name = "q8_0";
    static constexpr uint32_t gguf_type = 8;
    static constexpr LevelShape shape = LevelShape::symmetric;
    // Stored as int8: the code is the level itself.
    static constexpr float lo = -128, hi = 127;
    struct Block {
        uint16_t d;
        int8_t qs[32];
    };
    // ggml's reference scale maps the largest magnitude to +-127 (never -128).
    GMAT_QUANT_INLINE static float reference_scale(float, float abs_max) { return abs_max / 127.0f; }
    template <class S>
    GMAT_QUANT_INLINE static void pack(const typename S::F (&codes)[4], Block &b) {
        S::store_bytes32(codes, reinterpret_cast<uint8_t *>(b.qs));
    }
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
