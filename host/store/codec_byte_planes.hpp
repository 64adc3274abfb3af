// Byte planes: n elements of s bytes each, regrouped so byte k of every
// element lies together (plane k). In a float payload the sign/exponent bytes
// repeat a few values while the low mantissa bytes are close to random;
// separating them lets zstd's entropy coder model each kind on its own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gmat {

// dst[k * n + i] = src[i * s + k]; n_bytes must be a multiple of s.
void split_byte_planes(const uint8_t *src, size_t n_bytes, size_t element_bytes, uint8_t *dst);
// The inverse of split_byte_planes.
void join_byte_planes(const uint8_t *src, size_t n_bytes, size_t element_bytes, uint8_t *dst);

} // namespace gmat
