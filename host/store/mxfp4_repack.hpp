// MXFP4 source -> GGUF MXFP4 without floats. The checkpoint (GPT-OSS) packs
// each 32-value block as 16 bytes, value 2k in the low nibble of byte k and
// value 2k + 1 in the high one, with the E8M0 scale byte in a separate tensor;
// GGUF's block is the scale byte then 16 bytes holding value j in the low
// nibble of byte j and value j + 16 in the high one. The nibbles and the scale
// byte are copied, only their places change: GGUF's kvalues are twice E2M1
// and its scale 2^(e - 128), so ggml dequantizes every value to exactly
// e2m1(nibble) * 2^(e - 127), the source's value.
#pragma once

#include "store/source_encoding.hpp"

#include <cstdint>
#include <vector>

namespace gmat {

inline constexpr uint32_t kGgufTypeMxfp4 = 39;
inline constexpr uint64_t kMxfp4BlockBytes = 17;

// Rows [row_begin, row_end) of the [rows, cols] view of an mxfp4-encoded
// tensor as GGUF MXFP4 blocks (cols / 32 blocks of 17 bytes per row) at dst.
void repack_mxfp4_rows(const SourceLayout &layout, const std::vector<uint64_t> &shape, const TensorFileReader &reader,
                       uint64_t row_begin, uint64_t row_end, uint8_t *dst);

// One 32-value block: 16 source bytes and the scale byte -> 17 GGUF bytes.
void repack_mxfp4_block(const uint8_t *source, uint8_t scale, uint8_t *dst);

} // namespace gmat
