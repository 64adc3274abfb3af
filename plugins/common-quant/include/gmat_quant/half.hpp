// Scalar IEEE half (fp16) and bfloat16 conversions, bit-exact with ggml's
// reference conversions (ggml_compute_fp32_to_fp16 / _bf16 and back) for
// every input, including NaN and infinity:
//   fp32 -> fp16: round to nearest even; overflow gives inf; NaN becomes the
//                 quiet NaN 0x7e00 with the input's sign.
//   fp32 -> bf16: round to nearest even; NaN keeps its top bits and is quieted.
//   fp16 -> fp32: exact; a NaN keeps its payload and is quieted.
//   bf16 -> fp32: exact (a shift).
// Always inlined, so AVX2 translation units can use them without emitting an
// out-of-line copy the linker might pick for the portable code.
#pragma once

#include <cstdint>
#include <cstring>

#define GMAT_QUANT_INLINE [[gnu::always_inline]] inline
// Fully unrolls a loop over the vectors of a block, so they stay in registers.
#define GMAT_QUANT_UNROLL _Pragma("GCC unroll 32")

namespace gmat::quant {

GMAT_QUANT_INLINE uint32_t float_bits(float f) noexcept {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

GMAT_QUANT_INLINE float bits_float(uint32_t u) noexcept {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

GMAT_QUANT_INLINE uint16_t fp32_to_fp16(float f) noexcept {
    const uint32_t u = float_bits(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u); // NaN
    if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u); // >= 65520 rounds to inf
    if (a < 0x38800000u) {
        // Result is subnormal (or zero): adding 0.5 puts the value's 2^-24
        // units in the low mantissa bits, rounded to nearest even by the FPU.
        const float t = bits_float(a) + 0.5f;
        return uint16_t(sign | (float_bits(t) - 0x3f000000u));
    }
    const uint32_t odd = (a >> 13) & 1u;
    a += 0xc8000fffu + odd; // rebias the exponent (-112) and round to nearest even
    return uint16_t(sign | (a >> 13));
}

GMAT_QUANT_INLINE float fp16_to_fp32(uint16_t h) noexcept {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f) // inf, or NaN made quiet
        return bits_float(sign | 0x7f800000u | (mantissa << 13) | (mantissa ? 0x00400000u : 0u));
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact
        const float magnitude = float(mantissa) * 0x1p-24f;
        return bits_float(sign | float_bits(magnitude));
    }
    return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

GMAT_QUANT_INLINE uint16_t fp32_to_bf16(float f) noexcept {
    const uint32_t u = float_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u); // quiet NaN
    return uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

GMAT_QUANT_INLINE float bf16_to_fp32(uint16_t b) noexcept { return bits_float(uint32_t(b) << 16); }

// fp16 rounding of a block scale, saturated to the largest finite half
// (+-65504) so a quantized block never stores an infinite scale; NaN stays NaN.
GMAT_QUANT_INLINE uint16_t fp32_to_fp16_saturated(float f) noexcept {
    const uint16_t h = fp32_to_fp16(f);
    if ((h & 0x7fffu) == 0x7c00u) return uint16_t((h & 0x8000u) | 0x7bffu);
    return h;
}

} // namespace gmat::quant
