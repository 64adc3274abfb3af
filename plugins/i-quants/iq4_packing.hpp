// Between chosen levels and block bytes, and the dequantizers. Compiled once,
// for the baseline ISA (iq4_packing.cpp), and shared by every SIMD path.
#pragma once

#include "iq4_formats.hpp"

#include <cstdint>

namespace gmat::iquants {

// indices: 32 level indices (0..15) of one block, in value order.
void pack_nl_block(uint16_t d_bits, const uint8_t *indices, Iq4NlBlock &out);

// codes: the 8 sub-block scale codes in [-32, 31]; indices: 256 level indices.
void pack_xs_block(uint16_t d_bits, const int8_t *codes, const uint8_t *indices, Iq4XsBlock &out);

// The scale code of sub-block ib (-32..31) as the dequantizer reads it.
int xs_code(const Iq4XsBlock &block, int ib);

// n_blocks blocks at src (any alignment) to floats, with the same float
// operations as ggml's dequantize_row_iq4_nl / _xs, so bit-identical.
void dequantize_nl_blocks(const void *src, uint64_t n_blocks, float *dst);
void dequantize_xs_blocks(const void *src, uint64_t n_blocks, float *dst);

} // namespace gmat::iquants
