#include "mxfp4_kernel.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace gmat::fp4 {

namespace {

constexpr uint64_t kBlockValues = 32;
constexpr uint64_t kBlockBytes = 17; // u8 e, then 16 bytes: value j in the low nibble of byte j, value j + 16 in the high

// E2M1 codes as GGUF stores them: twice the E2M1 value, so the block scale is 2^(e - 128).
constexpr float kDoubled[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

float half_scale(uint8_t e) { return std::ldexp(1.0f, static_cast<int>(e) - 128); }

// The code whose value is nearest x; on a tie the lower code, so +0 beats -0.
uint8_t nearest_code(float x, float d) {
    uint8_t best = 0;
    float best_error = std::fabs(kDoubled[0] * d - x);
    for (uint8_t i = 1; i < 16; ++i) {
        const float error = std::fabs(kDoubled[i] * d - x);
        if (error < best_error) best = i, best_error = error;
    }
    return best;
}

// The exponent that puts the largest magnitude in [4, 8) times 2^(e - 127),
// the top binade of E2M1 (values above 6 round down to 6); clamped to E8M0's range.
uint8_t natural_exponent(float amax) {
    if (!(amax > 0.0f)) return 0;
    const int e = static_cast<int>(std::floor(std::log2(amax))) - 2 + 127;
    return static_cast<uint8_t>(e < 0 ? 0 : e > 254 ? 254 : e);
}

double block_error(const float *x, const float *weights, uint8_t e, uint8_t *codes) {
    const float d = half_scale(e);
    double error = 0;
    for (uint64_t j = 0; j < kBlockValues; ++j) {
        codes[j] = nearest_code(x[j], d);
        const double diff = static_cast<double>(kDoubled[codes[j]] * d) - x[j];
        error += (weights ? weights[j] : 1.0) * diff * diff;
    }
    return error;
}

void quantize_block(const float *x, const float *weights, bool search, uint8_t *out) {
    float amax = 0;
    for (uint64_t j = 0; j < kBlockValues; ++j) amax = std::fmax(amax, std::fabs(x[j]));
    uint8_t e = natural_exponent(amax);
    uint8_t codes[kBlockValues];
    double best = block_error(x, weights, e, codes);
    if (search && e < 254) { // one binade up: values between 6 and 8 stop clipping
        uint8_t other[kBlockValues];
        const double error = block_error(x, weights, static_cast<uint8_t>(e + 1), other);
        if (error < best) {
            best = error;
            e = static_cast<uint8_t>(e + 1);
            std::memcpy(codes, other, sizeof codes);
        }
    }
    out[0] = e;
    for (uint64_t j = 0; j < kBlockValues / 2; ++j)
        out[1 + j] = static_cast<uint8_t>(codes[j] | (codes[j + kBlockValues / 2] << 4));
}

void quantize(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    const bool search = params.strategy == GMAT_SCALE_TRELLIS;
    auto *out = static_cast<uint8_t *>(dst);
    for (uint64_t r = 0; r < n_rows; ++r)
        for (uint64_t b = 0; b < n_cols / kBlockValues; ++b) {
            const float *weights = params.importance ? params.importance + b * kBlockValues : nullptr;
            quantize_block(src + r * n_cols + b * kBlockValues, search ? weights : nullptr, search, out);
            out += kBlockBytes;
        }
}

void dequantize(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *in = static_cast<const uint8_t *>(src);
    const uint64_t blocks = n_rows * (n_cols / kBlockValues);
    for (uint64_t b = 0; b < blocks; ++b, in += kBlockBytes, dst += kBlockValues) {
        const float d = half_scale(in[0]);
        for (uint64_t j = 0; j < kBlockValues / 2; ++j) {
            dst[j] = kDoubled[in[1 + j] & 0xf] * d;
            dst[j + kBlockValues / 2] = kDoubled[in[1 + j] >> 4] * d;
        }
    }
}

} // namespace

const sdk::QuantKernel mxfp4_kernel = {
    {sizeof(gmat_quant_type_desc), "mxfp4", 39, kBlockValues, kBlockBytes, GMAT_QUANT_USES_IMPORTANCE,
     "MXFP4: 32 E2M1 values and one E8M0 scale per block (4.25 bits per weight); trellis also tries the next "
     "scale up per block"},
    quantize, dequantize};

} // namespace gmat::fp4
