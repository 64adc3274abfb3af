// ScalarSimd: the portable backend of the 8-lane SIMD abstraction.
//
// Kernels are written once as templates over a backend S (this one or
// Avx2Simd from <gmat_quant/simd_avx2.hpp>) and instantiated for each. Every
// operation here is defined to give the bit-identical result of its AVX2
// counterpart, so both instantiations of a kernel produce the same bytes:
//   - min/max follow x86 minps/maxps: min(a, b) = a < b ? a : b (b on NaN);
//   - round is to nearest, ties to even;
//   - hsum adds lanes in a fixed tree: ((0+4)+(2+6)) + ((1+5)+(3+7)), and
//     hmax/hmin reduce in that same order.
// No FMA anywhere: a fused multiply-add rounds once, mul + add twice.
#pragma once

#include <gmat_quant/half.hpp>

#include <cstdint>
#include <cstring>

namespace gmat::quant {

struct ScalarSimd {
    static constexpr const char *name = "scalar";
    static constexpr int lanes = 8;
    struct F {
        float v[8];
    };
    struct M {
        bool v[8];
    };

    GMAT_QUANT_INLINE static F load(const float *p) {
        F r;
        std::memcpy(r.v, p, sizeof r.v);
        return r;
    }
    GMAT_QUANT_INLINE static void store(float *p, F a) { std::memcpy(p, a.v, sizeof a.v); }
    GMAT_QUANT_INLINE static F set1(float s) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = s;
        return r;
    }
    GMAT_QUANT_INLINE static F zero() { return set1(0.0f); }

#define GMAT_QUANT_LANEWISE(fn, expr)                 \
    GMAT_QUANT_INLINE static F fn(F a, F b) {         \
        F r;                                          \
        for (int i = 0; i < 8; ++i) {                 \
            const float x = a.v[i], y = b.v[i];       \
            r.v[i] = (expr);                          \
        }                                             \
        return r;                                     \
    }
    GMAT_QUANT_LANEWISE(add, x + y)
    GMAT_QUANT_LANEWISE(sub, x - y)
    GMAT_QUANT_LANEWISE(mul, x * y)
    GMAT_QUANT_LANEWISE(div, x / y)
    GMAT_QUANT_LANEWISE(min, x < y ? x : y)
    GMAT_QUANT_LANEWISE(max, x > y ? x : y)
#undef GMAT_QUANT_LANEWISE

    GMAT_QUANT_INLINE static F sqrt(F a) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = __builtin_sqrtf(a.v[i]); // correctly rounded, like sqrtps
        return r;
    }
    GMAT_QUANT_INLINE static F abs(F a) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = bits_float(float_bits(a.v[i]) & 0x7fffffffu);
        return r;
    }
    // Nearest integer, ties to even; exact for every float (|x| >= 2^23 is integral).
    GMAT_QUANT_INLINE static F round(F a) {
        F r;
        for (int i = 0; i < 8; ++i) {
            const float x = a.v[i];
            const uint32_t sign = float_bits(x) & 0x80000000u;
            const float magnitude = bits_float(float_bits(x) & 0x7fffffffu);
            const float rounded = magnitude < 8388608.0f ? (magnitude + 8388608.0f) - 8388608.0f : magnitude;
            r.v[i] = magnitude != magnitude ? x : bits_float(float_bits(rounded) | sign);
        }
        return r;
    }

#define GMAT_QUANT_COMPARE(fn, expr)                  \
    GMAT_QUANT_INLINE static M fn(F a, F b) {         \
        M r;                                          \
        for (int i = 0; i < 8; ++i) {                 \
            const float x = a.v[i], y = b.v[i];       \
            r.v[i] = (expr);                          \
        }                                             \
        return r;                                     \
    }
    GMAT_QUANT_COMPARE(eq, x == y)
    GMAT_QUANT_COMPARE(neq, !(x == y))
    GMAT_QUANT_COMPARE(lt, x < y)
    GMAT_QUANT_COMPARE(le, x <= y)
    GMAT_QUANT_COMPARE(gt, x > y)
#undef GMAT_QUANT_COMPARE

    GMAT_QUANT_INLINE static M mask_and(M a, M b) {
        M r;
        for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] && b.v[i];
        return r;
    }
    GMAT_QUANT_INLINE static M mask_or(M a, M b) {
        M r;
        for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] || b.v[i];
        return r;
    }
    // a and not b
    GMAT_QUANT_INLINE static M mask_andnot(M a, M b) {
        M r;
        for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] && !b.v[i];
        return r;
    }
    GMAT_QUANT_INLINE static F select(M m, F if_true, F if_false) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = m.v[i] ? if_true.v[i] : if_false.v[i];
        return r;
    }
    // Bit i set when lane i of m is true.
    GMAT_QUANT_INLINE static int mask_bits(M m) {
        int bits = 0;
        for (int i = 0; i < 8; ++i) bits |= int(m.v[i]) << i;
        return bits;
    }

    GMAT_QUANT_INLINE static float hsum(F a) {
        const float s04 = a.v[0] + a.v[4], s15 = a.v[1] + a.v[5];
        const float s26 = a.v[2] + a.v[6], s37 = a.v[3] + a.v[7];
        return (s04 + s26) + (s15 + s37);
    }
    // Same reduction tree and operand order as the AVX2 backend, so signed
    // zeros come out the same: (0,4) (1,5) (2,6) (3,7), then (0,2) (1,3), then (0,1).
    GMAT_QUANT_INLINE static float hmax(F a) {
        float q[4];
        for (int i = 0; i < 4; ++i) q[i] = a.v[i] > a.v[i + 4] ? a.v[i] : a.v[i + 4];
        const float p0 = q[0] > q[2] ? q[0] : q[2], p1 = q[1] > q[3] ? q[1] : q[3];
        return p0 > p1 ? p0 : p1;
    }
    GMAT_QUANT_INLINE static float hmin(F a) {
        float q[4];
        for (int i = 0; i < 4; ++i) q[i] = a.v[i] < a.v[i + 4] ? a.v[i] : a.v[i + 4];
        const float p0 = q[0] < q[2] ? q[0] : q[2], p1 = q[1] < q[3] ? q[1] : q[3];
        return p0 < p1 ? p0 : p1;
    }

    // Transposes 8 vectors as an 8x8 matrix: lane j of r[i] becomes lane i of r[j].
    GMAT_QUANT_INLINE static void transpose8(F (&r)[8]) {
        F t[8];
        for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 8; ++j) t[j].v[i] = r[i].v[j];
        for (int i = 0; i < 8; ++i) r[i] = t[i];
    }
    // Each lane rounded to the nearest fp16 value (ties to even); finite lanes only.
    GMAT_QUANT_INLINE static F round_to_fp16(F a) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = fp16_to_fp32(fp32_to_fp16(a.v[i]));
        return r;
    }
    // Each lane as fp16 bits; finite lanes only.
    GMAT_QUANT_INLINE static void store_fp16(uint16_t *dst, F a) {
        for (int i = 0; i < 8; ++i) dst[i] = fp32_to_fp16(a.v[i]);
    }

    // One finite float to fp16 bits and back (round to nearest even; the
    // AVX2 backend uses F16C, which agrees for every non-NaN input).
    GMAT_QUANT_INLINE static uint16_t to_fp16(float f) { return fp32_to_fp16(f); }
    GMAT_QUANT_INLINE static float from_fp16(uint16_t h) { return fp16_to_fp32(h); }

    // 32 integral lanes in [-128, 127] (or [0, 255]) as bytes, in lane order.
    GMAT_QUANT_INLINE static void store_bytes32(const F (&l)[4], uint8_t *dst) {
        for (int v = 0; v < 4; ++v)
            for (int i = 0; i < 8; ++i) dst[8 * v + i] = uint8_t(int32_t(l[v].v[i]));
    }
    // 32 integral lanes in [0, 31]: byte j of qs gets the low 4 bits of lane j
    // (low nibble) and of lane j + 16 (high nibble), as ggml packs q4/q5 blocks.
    GMAT_QUANT_INLINE static void store_nibbles32(const F (&l)[4], uint8_t *qs) {
        uint8_t bytes[32];
        store_bytes32(l, bytes);
        for (int j = 0; j < 16; ++j) qs[j] = uint8_t((bytes[j] & 0x0f) | ((bytes[j + 16] & 0x0f) << 4));
    }
    // Bit j set when bit 4 of integral lane j (in [0, 31]) is set.
    GMAT_QUANT_INLINE static uint32_t bit4_mask32(const F (&l)[4]) {
        uint32_t bits = 0;
        for (int v = 0; v < 4; ++v)
            for (int i = 0; i < 8; ++i) bits |= uint32_t((int32_t(l[v].v[i]) >> 4) & 1) << (8 * v + i);
        return bits;
    }
    // The reverse of store_nibbles32: lane j of codes[j / 8] gets the low
    // nibble of qs[j] (j < 16) or the high nibble of qs[j - 16].
    GMAT_QUANT_INLINE static void load_nibbles32(const uint8_t *qs, F (&codes)[4]) {
        for (int j = 0; j < 16; ++j) {
            codes[j / 8].v[j % 8] = float(qs[j] & 0x0f);
            codes[2 + j / 8].v[j % 8] = float(qs[j] >> 4);
        }
    }
    // Lane i true when bit i of bits (0..7) is set.
    GMAT_QUANT_INLINE static M bit_lanes(uint32_t bits) {
        M r;
        for (int i = 0; i < 8; ++i) r.v[i] = (bits >> i) & 1u;
        return r;
    }
    // 8 bytes as floats, read as unsigned (load_u8) or two's complement (load_i8).
    GMAT_QUANT_INLINE static F load_u8(const uint8_t *p) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = float(p[i]);
        return r;
    }
    GMAT_QUANT_INLINE static F load_i8(const uint8_t *p) {
        F r;
        for (int i = 0; i < 8; ++i) r.v[i] = float(int8_t(p[i]));
        return r;
    }
};

} // namespace gmat::quant
