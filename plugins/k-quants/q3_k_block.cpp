// q3_k: 3-bit levels (2 low bits in planes, the high bit in hmask), 6-bit
// signed scale codes stored with a +32 bias.
#include "block_packing.hpp"
#include "fp16.hpp"

#include <cstring>

namespace gmat::kquants {
namespace {

// 16 biased 6-bit codes: low nibbles of codes 0..7 / 8..15 in the low / high
// nibbles of bytes 0..7; the top 2 bits of code j at bit 2*(j/4) of byte 8 + j%4.
void pack_q3_scale_codes(const int8_t *codes, uint8_t *packed) {
    std::memset(packed, 0, 12);
    for (int j = 0; j < 16; ++j) {
        const uint8_t biased = uint8_t(codes[j] + 32);
        packed[j % 8] |= uint8_t((biased & 0xF) << (4 * (j / 8)));
        packed[8 + j % 4] |= uint8_t((biased >> 4) << (2 * (j / 4)));
    }
}

int unpack_q3_scale_code(const uint8_t *packed, int j) {
    const int low = (packed[j % 8] >> (4 * (j / 8))) & 0xF;
    const int high = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
    return (low | (high << 4)) - 32;
}

} // namespace

void pack_q3_k(const SymmetricPlan &plan, Q3KBlock &out) {
    pack_q3_scale_codes(plan.codes, out.scales);
    gather_bit_planes(plan.levels, 2, out.hmask);
    pack_two_bit_planes(plan.levels, out.qs);
    out.d = plan.d;
}

void dequantize_q3_k(const Q3KBlock &in, float *out) {
    const float d = fp16_to_fp32(in.d);
    for (int j = 0; j < 16; ++j) {
        const uint8_t *q = in.qs + 32 * (j / 8) + 16 * (j % 2);
        const int shift = 2 * ((j / 2) % 4);
        const float scale = d * float(unpack_q3_scale_code(in.scales, j));
        for (int l = 0; l < 16; ++l) {
            const int i = 16 * j + l;
            const int high = (in.hmask[i % 32] >> (i / 32)) & 1;
            const int level = ((q[l] >> shift) & 3) - (high ? 0 : 4);
            out[i] = scale * float(level);
        }
    }
}

} // namespace gmat::kquants
