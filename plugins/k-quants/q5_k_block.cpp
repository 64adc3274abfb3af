// q5_k: 5-bit levels (4 low bits like q4_k, the fifth in qh), 6-bit scale and
// min codes per 32 values.
#include "block_packing.hpp"
#include "fp16.hpp"

namespace gmat::kquants {

void pack_q5_k(const AsymmetricPlan &plan, Q5KBlock &out) {
    out.d = plan.d;
    out.dmin = plan.dmin;
    pack_scale_min_codes(plan.scale_codes, plan.min_codes, out.scales);
    gather_bit_planes(plan.levels, 4, out.qh);
    for (int pair = 0; pair < 4; ++pair) {
        const uint8_t *l = plan.levels + 64 * pair;
        for (int i = 0; i < 32; ++i) out.qs[32 * pair + i] = uint8_t((l[i] & 0xF) | ((l[i + 32] & 0xF) << 4));
    }
}

void dequantize_q5_k(const Q5KBlock &in, float *out) {
    const float d = fp16_to_fp32(in.d);
    const float dmin = fp16_to_fp32(in.dmin);
    for (int j = 0; j < 8; ++j) {
        uint8_t scale_code, min_code;
        unpack_scale_min_code(in.scales, j, scale_code, min_code);
        const float scale = d * float(scale_code);
        const float offset = dmin * float(min_code);
        const uint8_t *q = in.qs + 32 * (j / 2);
        const int shift = 4 * (j % 2);
        for (int l = 0; l < 32; ++l) {
            const int high = (in.qh[l] >> j) & 1;
            out[32 * j + l] = scale * float(((q[l] >> shift) & 0xF) + 16 * high) - offset;
        }
    }
}

} // namespace gmat::kquants
