#include "half.hpp"
#include "ternary_types.hpp"

namespace ternary {

namespace {

constexpr int kQsBytes = 48, kQhBytes = 4;
constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};

// Up to five trits (stride apart) as one byte; missing trits count as 0 (code 0).
uint8_t pack_trits(const int8_t *first, int stride, int count) {
    unsigned q = 0;
    for (int n = 0; n < 5; ++n) q = q * 3 + (n < count ? unsigned(first[n * stride] + 1) : 0u);
    return static_cast<uint8_t>((q * 256 + 242) / 243); // ceil(q * 256 / 243)
}

// Trit n (0 = most significant) of a packed byte, as -1, 0 or +1.
int trit_at(uint8_t byte, int n) {
    const uint8_t shifted = static_cast<uint8_t>(byte * kPow3[n]); // drops the n leading trits
    return ((shifted * 3) >> 8) - 1;
}

// Decodes `bytes` bytes each holding `trits` values `bytes` apart.
float *unpack_group(const uint8_t *in, int bytes, int trits, float d, float *out) {
    for (int n = 0; n < trits; ++n)
        for (int m = 0; m < bytes; ++m) *out++ = static_cast<float>(trit_at(in[m], n)) * d;
    return out;
}

} // namespace

void Tq1_0::pack(const TernaryBlock &block, uint8_t *out) {
    const int8_t *t = block.trits;
    for (int m = 0; m < 32; ++m) out[m] = pack_trits(t + m, 32, 5);            // values 0..159
    for (int m = 0; m < 16; ++m) out[32 + m] = pack_trits(t + 160 + m, 16, 5); // values 160..239
    for (int j = 0; j < kQhBytes; ++j) out[kQsBytes + j] = pack_trits(t + 240 + j, 4, 4);
    out[kQsBytes + kQhBytes] = static_cast<uint8_t>(block.scale & 0xff);
    out[kQsBytes + kQhBytes + 1] = static_cast<uint8_t>(block.scale >> 8);
}

void Tq1_0::unpack(const uint8_t *in, float *out) {
    const uint8_t *scale = in + kQsBytes + kQhBytes;
    const float d = float_from_half(static_cast<uint16_t>(scale[0] | scale[1] << 8));
    out = unpack_group(in, 32, 5, d, out);
    out = unpack_group(in + 32, 16, 5, d, out);
    unpack_group(in + kQsBytes, kQhBytes, 4, d, out);
}

} // namespace ternary
