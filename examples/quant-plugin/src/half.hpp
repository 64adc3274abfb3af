// IEEE 754 half precision (binary16), the type of every ternary block's scale.
// Conversions are exact where binary16 can hold the value and round to
// nearest-even otherwise, matching bit for bit what ggml computes (NaNs come
// back quiet), so our dequantizer reproduces llama.cpp's on any bytes.
#pragma once

#include <cstdint>

namespace ternary {

// The largest finite half, 65504: scales are clamped to it so a block never
// stores an infinite scale, which llama.cpp would refuse when it loads the file.
inline constexpr float kHalfMax = 65504.0f;

uint16_t half_from_float(float value);
float float_from_half(uint16_t half);

} // namespace ternary
