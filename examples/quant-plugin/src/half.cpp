#include "half.hpp"

#include <cmath>
#include <cstring>

namespace ternary {

namespace {

uint32_t bits_of(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

float float_of(uint32_t bits) {
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace

uint16_t half_from_float(float value) {
    const uint32_t bits = bits_of(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return sign | 0x7e00u;              // NaN
    if (magnitude >= 0x477ff000u) return sign | 0x7c00u;             // rounds to >= 65536: infinity
    if (magnitude < 0x38800000u) {                                   // below 2^-14: a subnormal half
        const float scaled = float_of(magnitude) * 16777216.0f;      // in units of 2^-24, exact
        return sign | static_cast<uint16_t>(std::nearbyint(scaled)); // ties to even
    }
    const uint32_t exponent = (magnitude >> 23) - 127 + 15;
    const uint32_t mantissa = magnitude & 0x7fffffu;
    uint32_t half = (exponent << 10) | (mantissa >> 13);
    const uint32_t dropped = mantissa & 0x1fffu;
    if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u))) ++half; // a carry moves into the exponent
    return sign | static_cast<uint16_t>(half);
}

float float_from_half(uint16_t half) {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    const uint32_t exponent = (half >> 10) & 0x1fu;
    const uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact in float
        const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
        return float_of(sign | bits_of(magnitude));
    }
    if (exponent == 0x1f) { // infinity, or NaN made quiet as x86 arithmetic would
        const uint32_t nan_payload = mantissa ? (mantissa << 13) | 0x400000u : 0;
        return float_of(sign | 0x7f800000u | nan_payload);
    }
    return float_of(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

} // namespace ternary
