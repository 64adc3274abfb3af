#include "half.hpp"
#include "ternary_types.hpp"

namespace ternary {

namespace {
constexpr int kQsBytes = 64;
constexpr int kValuesPerHalf = 128; // each 32-byte half of qs covers 128 values
} // namespace

void Tq2_0::pack(const TernaryBlock &block, uint8_t *out) {
    for (int half = 0; half < 2; ++half) {
        for (int m = 0; m < 32; ++m) {
            uint8_t byte = 0;
            for (int n = 0; n < 4; ++n) {
                const int code = block.trits[half * kValuesPerHalf + m + 32 * n] + 1;
                byte |= static_cast<uint8_t>(code << (2 * n));
            }
            out[half * 32 + m] = byte;
        }
    }
    out[kQsBytes] = static_cast<uint8_t>(block.scale & 0xff);
    out[kQsBytes + 1] = static_cast<uint8_t>(block.scale >> 8);
}

void Tq2_0::unpack(const uint8_t *in, float *out) {
    const float d = float_from_half(static_cast<uint16_t>(in[kQsBytes] | in[kQsBytes + 1] << 8));
    for (int half = 0; half < 2; ++half)
        for (int n = 0; n < 4; ++n)
            for (int m = 0; m < 32; ++m) {
                const int code = (in[half * 32 + m] >> (2 * n)) & 3;
                *out++ = static_cast<float>(code - 1) * d;
            }
}

} // namespace ternary
