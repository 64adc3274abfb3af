// IEEE binary16 conversions with the exact results ggml gets (round to
// nearest even on the way down, exact on the way up), done with integer bit
// manipulation so they are identical on every CPU and in every SIMD path.
//
// The functions are `static` on purpose: this header is included by the
// translation units compiled with -mavx2, and internal linkage keeps the
// linker from ever picking an AVX2-encoded copy for the baseline path.
#pragma once

#include <bit>
#include <cstdint>

namespace gmat::kquants {

inline constexpr uint16_t kFp16MaxFinite = 0x7BFF; // 65504
inline constexpr float kFp16MaxFiniteValue = 65504.0f;

static inline float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1Fu;
    const uint32_t mantissa = h & 0x3FFu;
    if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
    if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
    // Subnormal: mantissa * 2^-24 is exact in binary32.
    const float magnitude = float(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
}

static inline uint16_t fp32_to_fp16(float f) {
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000u);
    const uint32_t abs_bits = bits & 0x7FFFFFFFu;
    if (abs_bits > 0x7F800000u) return sign | 0x7E00u; // NaN
    if (abs_bits >= 0x477FF000u) return sign | 0x7C00u; // rounds to infinity
    if (abs_bits < 0x38800000u) {
        // Below the smallest normal: round |f| * 2^24 to an integer mantissa.
        // Adding 0.5 (as 2^-1 scaled) via float arithmetic would double-round, so use integers.
        if (abs_bits < 0x33000000u) return sign; // below half the smallest subnormal
        const uint32_t exponent = abs_bits >> 23;
        const uint32_t mantissa = (abs_bits & 0x7FFFFFu) | 0x800000u;
        const uint32_t shift = 126 - exponent; // 14..24 for exponents 102..112
        const uint32_t halfway = 1u << (shift - 1);
        const uint32_t remainder = mantissa & ((1u << shift) - 1);
        uint32_t result = mantissa >> shift;
        if (remainder > halfway || (remainder == halfway && (result & 1u))) ++result;
        return sign | uint16_t(result);
    }
    // Normal: rebias the exponent and round the 13 dropped mantissa bits to nearest even.
    const uint32_t rebased = abs_bits - (112u << 23);
    const uint32_t dropped = rebased & 0x1FFFu;
    uint32_t result = rebased >> 13;
    if (dropped > 0x1000u || (dropped == 0x1000u && (result & 1u))) ++result;
    return sign | uint16_t(result);
}

// The fp16 value f rounds to, as a float.
static inline float round_to_fp16(float f) { return fp16_to_fp32(fp32_to_fp16(f)); }

// Smallest fp16 value >= f for 0 <= f <= 65504 (used where rounding down would
// push a scale code past its maximum).
static inline uint16_t fp32_to_fp16_not_below(float f) {
    uint16_t h = fp32_to_fp16(f);
    if (fp16_to_fp32(h) < f && h < kFp16MaxFinite) ++h;
    return h;
}

} // namespace gmat::kquants
