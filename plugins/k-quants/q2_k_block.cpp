// q2_k: 2-bit levels, 4-bit scale and min codes per 16 values.
#include "block_packing.hpp"
#include "fp16.hpp"

#include <cstring>

namespace gmat::kquants {

void pack_q2_k(const AsymmetricPlan &plan, Q2KBlock &out) {
    for (int j = 0; j < 16; ++j) out.scales[j] = uint8_t((plan.scale_codes[j] & 0xF) | (plan.min_codes[j] << 4));
    pack_two_bit_planes(plan.levels, out.qs);
    out.d = plan.d;
    out.dmin = plan.dmin;
}

void dequantize_q2_k(const Q2KBlock &in, float *out) {
    const float d = fp16_to_fp32(in.d);
    const float dmin = fp16_to_fp32(in.dmin);
    for (int j = 0; j < 16; ++j) {
        // Sub-block j covers values 16j..16j+15: plane (j/2)%4 of the 32-byte group j/8, bytes 16*(j%2)...
        const uint8_t *q = in.qs + 32 * (j / 8) + 16 * (j % 2);
        const int shift = 2 * ((j / 2) % 4);
        const float scale = d * float(in.scales[j] & 0xF);
        const float offset = dmin * float(in.scales[j] >> 4);
        for (int l = 0; l < 16; ++l) out[16 * j + l] = scale * float((q[l] >> shift) & 3) - offset;
    }
}

} // namespace gmat::kquants
