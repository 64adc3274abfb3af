#include "iq4_packing.hpp"

#include <gmat_quant/half.hpp>

#include <cstring>

namespace gmat::iquants {

namespace {

// Byte j of a 32-value group: value j in the low nibble, value j + 16 in the high one.
void pack_nibbles(const uint8_t *indices, uint8_t *qs) {
    for (int j = 0; j < kBlockValues / 2; ++j)
        qs[j] = uint8_t((indices[j] & 0xf) | ((indices[j + kBlockValues / 2] & 0xf) << 4));
}

// y = scale * level, one float multiplication per value like ggml (the int8
// level converts to float exactly).
void decode_nibbles(const uint8_t *qs, float scale, float *y) {
    for (int j = 0; j < kBlockValues / 2; ++j) {
        y[j] = scale * float(kIq4Values[qs[j] & 0xf]);
        y[j + kBlockValues / 2] = scale * float(kIq4Values[qs[j] >> 4]);
    }
}

} // namespace

void pack_nl_block(uint16_t d_bits, const uint8_t *indices, Iq4NlBlock &out) {
    out.d = d_bits;
    pack_nibbles(indices, out.qs);
}

void pack_xs_block(uint16_t d_bits, const int8_t *codes, const uint8_t *indices, Iq4XsBlock &out) {
    out.d = d_bits;
    out.scales_h = 0;
    std::memset(out.scales_l, 0, sizeof out.scales_l);
    for (int ib = 0; ib < kSubBlocks; ++ib) {
        const unsigned stored = unsigned(codes[ib] - kXsMinCode); // 0..63
        out.scales_l[ib / 2] = uint8_t(out.scales_l[ib / 2] | ((stored & 0xf) << (4 * (ib % 2))));
        out.scales_h = uint16_t(out.scales_h | ((stored >> 4) << (2 * ib)));
        pack_nibbles(indices + kBlockValues * ib, out.qs + (kBlockValues / 2) * ib);
    }
}

int xs_code(const Iq4XsBlock &block, int ib) {
    const int low = (block.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf;
    const int high = (block.scales_h >> (2 * ib)) & 3;
    return (low | (high << 4)) + kXsMinCode;
}

void dequantize_nl_blocks(const void *src, uint64_t n_blocks, float *dst) {
    const auto *bytes = static_cast<const unsigned char *>(src);
    for (uint64_t i = 0; i < n_blocks; ++i) {
        Iq4NlBlock block; // copied out: the caller's buffer need not be aligned
        std::memcpy(&block, bytes + i * sizeof block, sizeof block);
        decode_nibbles(block.qs, quant::fp16_to_fp32(block.d), dst + i * kBlockValues);
    }
}

void dequantize_xs_blocks(const void *src, uint64_t n_blocks, float *dst) {
    const auto *bytes = static_cast<const unsigned char *>(src);
    for (uint64_t i = 0; i < n_blocks; ++i) {
        Iq4XsBlock block;
        std::memcpy(&block, bytes + i * sizeof block, sizeof block);
        const float d = quant::fp16_to_fp32(block.d);
        for (int ib = 0; ib < kSubBlocks; ++ib) {
            const float scale = d * float(xs_code(block, ib)); // ggml: d * (ls - 32), in float
            decode_nibbles(block.qs + (kBlockValues / 2) * ib, scale,
                           dst + i * kSuperBlockValues + kBlockValues * ib);
        }
    }
}

} // namespace gmat::iquants
