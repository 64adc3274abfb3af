// q6_k: 6-bit levels (4 low bits in ql, 2 high bits in qh), signed 8-bit scale
// codes per 16 values.
#include "block_packing.hpp"
#include "fp16.hpp"

namespace gmat::kquants {

// Per 128 values: ql byte l holds values l (low nibble) and l+64 (high), byte
// l+32 values l+32 and l+96; qh byte l holds the high bit pairs of all four.
void pack_q6_k(const SymmetricPlan &plan, Q6KBlock &out) {
    for (int half = 0; half < 2; ++half) {
        const uint8_t *l = plan.levels + 128 * half;
        uint8_t *ql = out.ql + 64 * half;
        uint8_t *qh = out.qh + 32 * half;
        for (int i = 0; i < 32; ++i) {
            ql[i] = uint8_t((l[i] & 0xF) | ((l[i + 64] & 0xF) << 4));
            ql[i + 32] = uint8_t((l[i + 32] & 0xF) | ((l[i + 96] & 0xF) << 4));
            qh[i] = uint8_t((l[i] >> 4) | ((l[i + 32] >> 4) << 2) | ((l[i + 64] >> 4) << 4) | ((l[i + 96] >> 4) << 6));
        }
    }
    for (int j = 0; j < 16; ++j) out.scales[j] = plan.codes[j];
    out.d = plan.d;
}

void dequantize_q6_k(const Q6KBlock &in, float *out) {
    const float d = fp16_to_fp32(in.d);
    for (int half = 0; half < 2; ++half) {
        const uint8_t *ql = in.ql + 64 * half;
        const uint8_t *qh = in.qh + 32 * half;
        const int8_t *sc = in.scales + 8 * half;
        float *y = out + 128 * half;
        for (int i = 0; i < 32; ++i) {
            const int sub = i / 16;
            const int q1 = ((ql[i] & 0xF) | (((qh[i] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[i + 32] & 0xF) | (((qh[i] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[i] >> 4) | (((qh[i] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[i + 32] >> 4) | (((qh[i] >> 6) & 3) << 4)) - 32;
            y[i] = d * float(sc[sub]) * float(q1);
            y[i + 32] = d * float(sc[sub + 2]) * float(q2);
            y[i + 64] = d * float(sc[sub + 4]) * float(q3);
            y[i + 96] = d * float(sc[sub + 6]) * float(q4);
        }
    }
}

} // namespace gmat::kquants
