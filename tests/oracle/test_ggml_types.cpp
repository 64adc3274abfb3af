// ggml's quantizers and dequantizers through the oracle wrappers: round trips
// stay within each format's error bound, and corrupt blocks are rejected.
#include "oracle/ggml_types.hpp"

#include <ggml.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace {

std::vector<float> gaussian(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> out(n);
    for (float &x : out)
        x = dist(rng);
    return out;
}

float block_absmax(const std::vector<float> &x, size_t block, size_t width) {
    float amax = 0.0f;
    for (size_t i = block * width; i < (block + 1) * width; ++i)
        amax = std::max(amax, std::abs(x[i]));
    return amax;
}

// Largest per-element error in each block divided by the block's absmax.
std::vector<double> relative_block_errors(const std::vector<float> &in, const std::vector<float> &out, size_t width) {
    std::vector<double> errors;
    for (size_t b = 0; b < in.size() / width; ++b) {
        double worst = 0.0;
        for (size_t i = b * width; i < (b + 1) * width; ++i)
            worst = std::max(worst, static_cast<double>(std::abs(in[i] - out[i])));
        errors.push_back(worst / block_absmax(in, b, width));
    }
    return errors;
}

TEST(GgmlTypes, DescribesTypesLikeGgml) {
    EXPECT_EQ(oracle::type_name(GGML_TYPE_Q4_0), "q4_0");
    EXPECT_EQ(oracle::block_size(GGML_TYPE_Q4_0), 32);
    EXPECT_EQ(oracle::row_size(GGML_TYPE_Q4_0, 64), 36u); // 2 blocks of 18 bytes
    EXPECT_EQ(oracle::block_size(GGML_TYPE_Q6_K), 256);
    EXPECT_EQ(oracle::row_size(GGML_TYPE_Q6_K, 512), 420u);
    EXPECT_EQ(oracle::row_size(GGML_TYPE_F32, 3), 12u);
}

TEST(GgmlTypes, RejectsUnknownTypesAndPartialBlocks) {
    EXPECT_THROW(oracle::type_name(4), std::invalid_argument); // Q4_2, removed
    EXPECT_THROW(oracle::block_size(GGML_TYPE_COUNT), std::invalid_argument);
    EXPECT_THROW(oracle::row_size(GGML_TYPE_Q8_0, 33), std::invalid_argument);
    const float x[32] = {};
    EXPECT_THROW(oracle::quantize(GGML_TYPE_Q8_0, x, 1, 31), std::invalid_argument);
    EXPECT_THROW(oracle::quantize(GGML_TYPE_Q8_1, x, 1, 32), std::invalid_argument);    // no chunk quantizer
    EXPECT_THROW(oracle::quantize(GGML_TYPE_IQ2_XXS, x, 1, 32), std::invalid_argument); // needs an imatrix
}

TEST(GgmlTypes, Q8_0RoundTripWithinHalfAStep) {
    const auto in = gaussian(4 * 256, 1);
    const auto packed = oracle::quantize(GGML_TYPE_Q8_0, in.data(), 4, 256);
    ASSERT_EQ(packed.size(), 4 * oracle::row_size(GGML_TYPE_Q8_0, 256));
    const auto out = oracle::dequantize(GGML_TYPE_Q8_0, packed.data(), static_cast<int64_t>(in.size()));
    // step = absmax/127; rounding costs half a step, the f16 scale adds < 127 * 2^-11 steps.
    for (double e : relative_block_errors(in, out, 32))
        EXPECT_LE(e, (0.5 + 127.0 / 2048.0) / 127.0);
}

TEST(GgmlTypes, Q8_0IsExactOnItsGrid) {
    std::vector<float> in(32);
    for (int i = 0; i < 32; ++i) // multiples of 0.5 from -127 * 0.5: the scale is exactly 0.5
        in[i] = 0.5f * static_cast<float>(-127 + 8 * i);
    const auto packed = oracle::quantize(GGML_TYPE_Q8_0, in.data(), 1, 32);
    EXPECT_EQ(oracle::dequantize(GGML_TYPE_Q8_0, packed.data(), 32), in);
}

TEST(GgmlTypes, Q4_0RoundTripWithinOneStep) {
    const auto in = gaussian(8 * 64, 2);
    const auto packed = oracle::quantize(GGML_TYPE_Q4_0, in.data(), 8, 64);
    const auto out = oracle::dequantize(GGML_TYPE_Q4_0, packed.data(), static_cast<int64_t>(in.size()));
    // step = absmax/8; the positive end clamps at +7 steps, so the bound is one step.
    double sum_sq = 0.0, sum_ref = 0.0;
    for (double e : relative_block_errors(in, out, 32))
        EXPECT_LE(e, 1.01 / 8.0);
    for (size_t i = 0; i < in.size(); ++i) {
        sum_sq += (in[i] - out[i]) * (in[i] - out[i]);
        sum_ref += in[i] * in[i];
    }
    EXPECT_LT(std::sqrt(sum_sq / sum_ref), 0.15); // 4 bits: roughly 10% rms error on gaussian data
    EXPECT_GT(std::sqrt(sum_sq / sum_ref), 0.01); // and it is lossy at all
}

TEST(GgmlTypes, F16RoundTripIsExactForHalfValues) {
    const std::vector<float> in = {
        0.0f, -1.5f, 65504.0f, std::ldexp(1.0f, -14), 3.140625f, -2048.0f, std::ldexp(1.0f, -24), 7.0f};
    const auto packed = oracle::quantize(GGML_TYPE_F16, in.data(), 1, static_cast<int64_t>(in.size()));
    ASSERT_EQ(packed.size(), in.size() * 2);
    EXPECT_EQ(oracle::dequantize(GGML_TYPE_F16, packed.data(), static_cast<int64_t>(in.size())), in);
}

TEST(GgmlTypes, ImportanceSteersTheQuantizer) {
    const int64_t n_rows = 16, n_cols = 256;
    const auto in = gaussian(static_cast<size_t>(n_rows * n_cols), 3);
    std::vector<float> importance(n_cols, 1.0f);
    for (int64_t c = 0; c < n_cols; c += 8) // every 8th column matters 1000x more
        importance[c] = 1000.0f;
    auto error_on_important_columns = [&](const float *imatrix) {
        const auto packed = oracle::quantize(GGML_TYPE_Q4_K, in.data(), n_rows, n_cols, imatrix);
        EXPECT_TRUE(oracle::validate_row_data(GGML_TYPE_Q4_K, packed.data(), packed.size()));
        const auto out = oracle::dequantize(GGML_TYPE_Q4_K, packed.data(), n_rows * n_cols);
        double sum_sq = 0.0;
        for (int64_t r = 0; r < n_rows; ++r)
            for (int64_t c = 0; c < n_cols; c += 8)
                sum_sq += std::pow(in[r * n_cols + c] - out[r * n_cols + c], 2);
        return sum_sq;
    };
    const double with = error_on_important_columns(importance.data()), without = error_on_important_columns(nullptr);
    EXPECT_LT(with, 0.5 * without); // measured 0.26 with this seed
}

TEST(GgmlTypes, ValidateRejectsNanScale) {
    const auto in = gaussian(64, 4);
    auto packed = oracle::quantize(GGML_TYPE_Q8_0, in.data(), 1, 64);
    EXPECT_TRUE(oracle::validate_row_data(GGML_TYPE_Q8_0, packed.data(), packed.size()));
    const uint16_t f16_nan = 0x7E00;
    const size_t second_block = oracle::row_size(GGML_TYPE_Q8_0, 32); // its f16 scale comes first
    std::memcpy(packed.data() + second_block, &f16_nan, sizeof f16_nan);
    EXPECT_FALSE(oracle::validate_row_data(GGML_TYPE_Q8_0, packed.data(), packed.size()));
}

TEST(GgmlTypes, ValidateRejectsNanFloatAndPartialRows) {
    std::vector<float> row(8, 1.0f);
    EXPECT_TRUE(oracle::validate_row_data(GGML_TYPE_F32, row.data(), row.size() * 4));
    row[5] = std::nanf("");
    EXPECT_FALSE(oracle::validate_row_data(GGML_TYPE_F32, row.data(), row.size() * 4));
    const std::vector<uint8_t> partial(33, 0); // a Q8_0 block is 34 bytes
    EXPECT_FALSE(oracle::validate_row_data(GGML_TYPE_Q8_0, partial.data(), partial.size()));
}

} // namespace
