// The fp16 helpers the scale searches need on top of gmat_quant_common's
// conversions (which are bit-exact with ggml's). Always inlined, like those,
// so the -mavx2 translation unit never emits a copy the baseline path could
// end up calling.
#pragma once

#include <gmat_quant/half.hpp>

#include <cstdint>

namespace gmat::kquants {

using quant::fp16_to_fp32;
using quant::fp32_to_fp16;

inline constexpr uint16_t kFp16MaxFinite = 0x7BFF; // 65504
inline constexpr float kFp16MaxFiniteValue = 65504.0f;

// fp16 bits of a non-negative scale: saturates at 65504 instead of
// overflowing, and a positive value never becomes 0 (the smallest subnormal,
// 2^-24, is kept, and the codes shrink to make up for it).
GMAT_QUANT_INLINE uint16_t saturated_scale_bits(float value) {
    if (value >= kFp16MaxFiniteValue) return kFp16MaxFinite;
    const uint16_t bits = fp32_to_fp16(value);
    return bits == 0 && value > 0.0f ? uint16_t(1) : bits;
}

} // namespace gmat::kquants
