#include "synthetic_weights.hpp"

#include <cmath>
#include <cstring>
#include <random>

namespace gmat::bench {

namespace {
uint32_t bits_of(float x) {
    uint32_t b;
    std::memcpy(&b, &x, 4);
    return b;
}
uint16_t bf16_of(float x) {
    const uint32_t b = bits_of(x);
    return static_cast<uint16_t>((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}
// Round to nearest even F16; the values here stay in F16's normal range or flush to zero.
uint16_t f16_of(float x) {
    const uint32_t b = bits_of(x);
    const uint32_t sign = (b >> 16) & 0x8000;
    const int exp = static_cast<int>((b >> 23) & 0xff) - 127 + 15;
    if (exp <= 0) return static_cast<uint16_t>(sign);
    uint32_t mant = b & 0x7fffff;
    uint32_t h = (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
}
} // namespace

std::vector<uint8_t> synthetic_weights(const WeightKind &kind, uint64_t n, uint64_t row_length, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    const size_t size = kind.dtype == GMAT_DTYPE_F32 ? 4 : 2;
    std::vector<uint8_t> out(n * size);
    float scale = 0.02f;
    for (uint64_t i = 0; i < n; ++i) {
        if (i % row_length == 0) scale = 0.02f * std::exp(0.4f * normal(rng)); // per-row scale
        float v = normal(rng) * scale;
        if (uniform(rng) < 1e-4f) v *= 20.0f + 30.0f * uniform(rng); // outliers
        if (kind.dtype == GMAT_DTYPE_F32) {
            uint32_t b = bits_of(v);
            if (kind.bf16_trained) b = static_cast<uint32_t>(bf16_of(v)) << 16;
            std::memcpy(out.data() + 4 * i, &b, 4);
        } else {
            const uint16_t h = kind.dtype == GMAT_DTYPE_BF16 ? bf16_of(v) : f16_of(v);
            std::memcpy(out.data() + 2 * i, &h, 2);
        }
    }
    return out;
}

} // namespace gmat::bench
