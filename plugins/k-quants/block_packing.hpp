// Packing plans into ggml's byte layouts and expanding blocks back to floats.
// Dequantization follows ggml's reference arithmetic operation for operation
// (same products, same order, no fused multiply-add), so its output equals
// ggml's to_float bit for bit.
#pragma once

#include "block_layouts.hpp"
#include "superblock_plan.hpp"

namespace gmat::kquants {

void pack_q2_k(const AsymmetricPlan &plan, Q2KBlock &out);
void pack_q3_k(const SymmetricPlan &plan, Q3KBlock &out);
void pack_q4_k(const AsymmetricPlan &plan, Q4KBlock &out);
void pack_q5_k(const AsymmetricPlan &plan, Q5KBlock &out);
void pack_q6_k(const SymmetricPlan &plan, Q6KBlock &out);

// Each writes kSuperBlock floats.
void dequantize_q2_k(const Q2KBlock &in, float *out);
void dequantize_q3_k(const Q3KBlock &in, float *out);
void dequantize_q4_k(const Q4KBlock &in, float *out);
void dequantize_q5_k(const Q5KBlock &in, float *out);
void dequantize_q6_k(const Q6KBlock &in, float *out);

// The 6-bit scale and min codes of q4_k and q5_k: sub-blocks 0..3 keep their
// codes in the low 6 bits of bytes 0..3 (scales) and 4..7 (mins); sub-blocks
// 4..7 keep their low 4 bits in the nibbles of bytes 8..11 and their top 2
// bits in the spare high bits of bytes 0..7.
void pack_scale_min_codes(const uint8_t *scale_codes, const uint8_t *min_codes, uint8_t *packed);
void unpack_scale_min_code(const uint8_t *packed, int sub_block, uint8_t &scale_code, uint8_t &min_code);

// The 2-bit planes shared by q2_k and q3_k: per 128 values, byte l of a
// 32-byte group holds values l, l+32, l+64, l+96 in bit pairs 0..1 .. 6..7.
void pack_two_bit_planes(const uint8_t *levels, uint8_t *qs);

// The high-bit masks of q3_k (hmask) and q5_k (qh): bit k of byte i is bit
// `bit` of the level of element i + 32k.
void gather_bit_planes(const uint8_t *levels, int bit, uint8_t *mask);

} // namespace gmat::kquants
