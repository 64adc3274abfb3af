// The portable and AVX2 variants of the legacy kernels and of the half
// conversions give the same bytes, and the conversions match ggml's. Calls
// the kernels directly (not through the plugin) to run both variants in one
// process; GMAT_FORCE_SCALAR only affects the default choice.
#include "ggml_reference.hpp"
#include "legacy_kernels.hpp"

#include <generated_matrices.hpp>

#include <gmat_quant/half.hpp>
#include <gmat_quant/half_rows.hpp>

#include <ggml.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace gmat::testing {
namespace {

using quant::SimdLevel;

constexpr uint64_t kCols = 512;
constexpr const char *kTypeNames[] = {"q4_0", "q4_1", "q5_0", "q5_1", "q8_0"};
constexpr uint64_t kBlockBytes[] = {18, 20, 22, 24, 34};

void skip_without_avx2() {
    if (quant::supported_simd_level() != SimdLevel::avx2) GTEST_SKIP() << "no AVX2 here (or not built)";
}

std::vector<uint8_t> quantize(legacy::LegacyType type, SimdLevel level, const Matrix &m, gmat_scale_strategy strategy,
                              const float *importance, float lambda = 0.3f) {
    std::vector<uint8_t> out(m.rows * kCols / 32 * kBlockBytes[type]);
    sdk::QuantParams params;
    params.strategy = strategy;
    params.trellis_lambda = lambda;
    params.importance = importance;
    legacy::quantize_rows(type, level, m.values.data(), m.rows, kCols, params, out.data());
    return out;
}

std::vector<float> dequantize(legacy::LegacyType type, SimdLevel level, const std::vector<uint8_t> &bytes,
                              uint64_t rows) {
    std::vector<float> out(rows * kCols);
    legacy::dequantize_rows(type, level, bytes.data(), rows, kCols, out.data());
    return out;
}

std::vector<Matrix> matrices() {
    return {gaussian_matrix(16, kCols, 21), heavy_tailed_matrix(16, kCols, 22), zero_matrix(2, kCols),
            constant_matrix(4, kCols, 23),  tiny_matrix(4, kCols, 24),          huge_matrix(4, kCols, 25)};
}

bool same_bits(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(LegacyKernels, ScalarAndAvx2WriteTheSameBytes) {
    skip_without_avx2();
    const auto importance = importance_vector(kCols, 26);
    for (int t = 0; t < legacy::kLegacyTypeCount; ++t) {
        const auto type = legacy::LegacyType(t);
        for (gmat_scale_strategy strategy : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
            for (const float *imp : {static_cast<const float *>(nullptr), importance.data()}) {
                for (const Matrix &m : matrices()) {
                    const auto scalar = quantize(type, SimdLevel::scalar, m, strategy, imp);
                    const auto avx2 = quantize(type, SimdLevel::avx2, m, strategy, imp);
                    EXPECT_EQ(scalar, avx2) << kTypeNames[t] << " strategy " << strategy << " importance "
                                            << (imp != nullptr) << " on " << m.name;
                    EXPECT_TRUE(same_bits(dequantize(type, SimdLevel::scalar, avx2, m.rows),
                                          dequantize(type, SimdLevel::avx2, avx2, m.rows)))
                        << kTypeNames[t] << " dequantize on " << m.name;
                }
            }
        }
    }
}

// Rows of 1, 3 and 9 blocks: groups of eight blocks with unused lanes.
TEST(LegacyKernels, ShortRowsMatchAcrossPathsAndBeatGgml) {
    const ggml_type ggml_types[] = {GGML_TYPE_Q4_0, GGML_TYPE_Q4_1, GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q8_0};
    for (uint64_t cols : {32u, 96u, 288u}) {
        const Matrix m = heavy_tailed_matrix(6, cols, 29);
        for (int t = 0; t < legacy::kLegacyTypeCount; ++t) {
            const auto type = legacy::LegacyType(t);
            for (gmat_scale_strategy strategy : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
                std::vector<uint8_t> scalar(m.rows * cols / 32 * kBlockBytes[t]), simd(scalar.size());
                sdk::QuantParams params;
                params.strategy = strategy;
                legacy::quantize_rows(type, SimdLevel::scalar, m.values.data(), m.rows, cols, params, scalar.data());
                legacy::quantize_rows(type, quant::supported_simd_level(), m.values.data(), m.rows, cols, params,
                                      simd.data());
                EXPECT_EQ(scalar, simd) << kTypeNames[t] << " with " << cols << " columns";
                std::vector<float> ours(m.values.size()), theirs(m.values.size());
                legacy::dequantize_rows(type, SimdLevel::scalar, simd.data(), m.rows, cols, ours.data());
                const auto reference = ggml_quantize(uint32_t(ggml_types[t]), m.values.data(), m.rows, cols, nullptr);
                theirs = ggml_dequantize(uint32_t(ggml_types[t]), reference.data(), m.rows, cols);
                double ours_error = 0, ggml_error = 0;
                for (size_t i = 0; i < ours.size(); ++i) {
                    ours_error += double(m.values[i] - ours[i]) * (m.values[i] - ours[i]);
                    ggml_error += double(m.values[i] - theirs[i]) * (m.values[i] - theirs[i]);
                }
                EXPECT_LE(ours_error, ggml_error * 1.0001) << kTypeNames[t] << " with " << cols << " columns";
            }
        }
    }
}

// Blocks whose largest-magnitude value was clipped (its error exceeds half a
// quantization step, so it was clamped to the end of the range). lambda
// makes the trellis search avoid that.
uint64_t blocks_with_clipped_extreme(const Matrix &m, const std::vector<uint8_t> &q4_0, const std::vector<float> &back) {
    uint64_t clipped = 0;
    for (uint64_t block = 0; block < m.values.size() / 32; ++block) {
        uint16_t d_bits;
        std::memcpy(&d_bits, q4_0.data() + block * 18, 2);
        const float half_step = 0.5f * std::fabs(quant::fp16_to_fp32(d_bits));
        uint64_t extreme = block * 32;
        for (uint64_t j = block * 32; j < block * 32 + 32; ++j)
            if (std::fabs(m.values[j]) > std::fabs(m.values[extreme])) extreme = j;
        clipped += std::fabs(m.values[extreme] - back[extreme]) > half_step * 1.0001f;
    }
    return clipped;
}

TEST(LegacyKernels, TrellisLambdaProtectsBlockExtremes) {
    const Matrix m = heavy_tailed_matrix(64, kCols, 27);
    const auto count = [&](float lambda) {
        const auto q = quantize(legacy::kQ4_0, quant::simd_level(), m, GMAT_SCALE_TRELLIS, nullptr, lambda);
        return blocks_with_clipped_extreme(m, q, dequantize(legacy::kQ4_0, quant::simd_level(), q, m.rows));
    };
    const uint64_t plain = count(0.0f), protective = count(8.0f);
    EXPECT_GT(plain, 0u);
    EXPECT_LT(protective, plain);
}

TEST(LegacyKernels, RejectsBadParameters) {
    const Matrix m = gaussian_matrix(2, kCols, 28);
    EXPECT_THROW(quantize(legacy::kQ4_0, SimdLevel::scalar, m, gmat_scale_strategy(7), nullptr), sdk::Error);
    EXPECT_THROW(quantize(legacy::kQ4_0, SimdLevel::scalar, m, GMAT_SCALE_TRELLIS, nullptr, -1.0f), sdk::Error);
    std::vector<float> importance(kCols, 1.0f);
    importance[300] = std::nanf("");
    try {
        quantize(legacy::kQ5_1, SimdLevel::scalar, m, GMAT_SCALE_STANDARD, importance.data());
        ADD_FAILURE() << "a NaN importance weight was accepted";
    } catch (const sdk::Error &e) {
        EXPECT_NE(std::string(e.what()).find("column 300"), std::string::npos) << e.what();
    }
}

// ---- half conversions ----------------------------------------------------------

std::vector<float> interesting_floats() {
    std::vector<float> v = {0.0f, -0.0f, INFINITY, -INFINITY, std::nanf(""), -std::nanf(""), 65504.0f, 65519.99f,
                            65520.0f, -65520.0f, 5.96e-8f, 2.98e-8f, 2.9802322e-8f, 6.1035156e-5f, 6.1e-5f, 1e-45f,
                            3.4e38f, -3.4e38f};
    uint32_t signalling = 0x7f800001u;
    float s;
    std::memcpy(&s, &signalling, 4);
    v.push_back(s);
    uint64_t state = 99;
    for (int i = 0; i < (1 << 20); ++i) { // random bit patterns: every exponent, NaN payloads, subnormals
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t bits = uint32_t(state >> 32);
        float f;
        std::memcpy(&f, &bits, 4);
        v.push_back(f);
    }
    return v;
}

template <class T>
bool same_bytes(const std::vector<T> &a, const std::vector<T> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

TEST(HalfConversions, Fp32ToHalfMatchesGgmlOnBothPaths) {
    const auto x = interesting_floats();
    std::vector<uint16_t> ggml_f16(x.size()), ggml_bf16(x.size());
    ggml_fp32_to_fp16_row(x.data(), reinterpret_cast<ggml_fp16_t *>(ggml_f16.data()), int64_t(x.size()));
    ggml_fp32_to_bf16_row_ref(x.data(), reinterpret_cast<ggml_bf16_t *>(ggml_bf16.data()), int64_t(x.size()));
    for (SimdLevel level : {SimdLevel::scalar, quant::supported_simd_level()}) {
        std::vector<uint16_t> f16(x.size()), bf16(x.size());
        quant::fp32_to_fp16_row(x.data(), f16.data(), x.size(), level);
        quant::fp32_to_bf16_row(x.data(), bf16.data(), x.size(), level);
        EXPECT_TRUE(same_bytes(f16, ggml_f16)) << quant::simd_level_name(level);
        EXPECT_TRUE(same_bytes(bf16, ggml_bf16)) << quant::simd_level_name(level);
    }
}

TEST(HalfConversions, EveryHalfToFp32MatchesGgmlOnBothPaths) {
    std::vector<uint16_t> h(65536);
    for (uint32_t i = 0; i < 65536; ++i) h[i] = uint16_t(i);
    std::vector<float> ggml_f16(h.size()), ggml_bf16(h.size());
    ggml_fp16_to_fp32_row(reinterpret_cast<const ggml_fp16_t *>(h.data()), ggml_f16.data(), int64_t(h.size()));
    ggml_bf16_to_fp32_row(reinterpret_cast<const ggml_bf16_t *>(h.data()), ggml_bf16.data(), int64_t(h.size()));
    for (SimdLevel level : {SimdLevel::scalar, quant::supported_simd_level()}) {
        std::vector<float> f16(h.size()), bf16(h.size());
        quant::fp16_to_fp32_row(h.data(), f16.data(), h.size(), level);
        quant::bf16_to_fp32_row(h.data(), bf16.data(), h.size(), level);
        EXPECT_TRUE(same_bytes(f16, ggml_f16)) << quant::simd_level_name(level);
        EXPECT_TRUE(same_bytes(bf16, ggml_bf16)) << quant::simd_level_name(level);
    }
}

} // namespace
} // namespace gmat::testing
