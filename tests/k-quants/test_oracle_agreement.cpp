// Every K type under both strategies against ggml (the prebuilt llama.cpp):
// bit-exact dequantization, rows ggml accepts, and an error no worse than
// ggml's own quantizers (plain: the reference quantizer ggml_quantize_chunk
// uses without an imatrix; weighted: its imatrix-aware quantizer).
#include "kquant_cases.hpp"
#include "kquant_matrices.hpp"
#include "kquant_oracle.hpp"
#include "kquant_plugin.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace gmat::kquants::testing {

void PrintTo(const KCase &c, std::ostream *os) { *os << case_name(c); }

namespace {

// Both sides sum their errors in a different order, and a tie between two
// candidates may go either way.
constexpr double kSlack = 1.0001;
constexpr uint64_t kCols = 1024;

std::vector<Matrix> plain_matrices() {
    return {gaussian_matrix(32, kCols, 1),
            heavy_tailed_matrix(32, kCols, 2),
            extreme_tailed_matrix(16, kCols, 3),
            zero_matrix(4, kCols),
            constant_matrix(16, kCols, 4),
            scaled_gaussian_matrix("small_1e-3", 8, kCols, 5, 1e-3),
            scaled_gaussian_matrix("tiny_1e-6", 8, kCols, 6, 1e-6),
            scaled_gaussian_matrix("tiny_1e-30", 4, kCols, 7, 1e-30),
            scaled_gaussian_matrix("large_1e4", 8, kCols, 8, 1e4),
            scaled_gaussian_matrix("huge_1e30", 4, kCols, 9, 1e30)};
}

int64_t first_bit_difference(const std::vector<float> &a, const std::vector<float> &b) {
    if (a.size() != b.size()) return 0;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return int64_t(i);
    return -1;
}

class KQuantOracle : public ::testing::TestWithParam<KCase> {
protected:
    const KQuantsPlugin &plugin() const { return KQuantsPlugin::get(); }
    const char *type() const { return GetParam().type.name; }
    uint32_t gguf() const { return GetParam().type.gguf_type; }
    bool trellis() const { return GetParam().strategy == GMAT_SCALE_TRELLIS; }

    std::vector<uint8_t> quantize(const Matrix &m, const float *importance = nullptr) const {
        return plugin().quantize(type(), m.values.data(), m.rows, m.cols, GetParam().strategy, importance);
    }
    std::vector<float> dequantize(const std::vector<uint8_t> &bytes, const Matrix &m) const {
        return plugin().dequantize(type(), bytes.data(), m.rows, m.cols);
    }
};

TEST_P(KQuantOracle, DequantizesItsOwnBlocksBitForBitLikeGgml) {
    for (const Matrix &m : plain_matrices()) {
        const auto bytes = quantize(m);
        const auto ours = dequantize(bytes, m), ggml = ggml_dequantize(gguf(), bytes.data(), m.rows, m.cols);
        const int64_t diff = first_bit_difference(ours, ggml);
        EXPECT_EQ(diff, -1) << m.name << " value " << diff;
    }
}

TEST_P(KQuantOracle, DequantizesGgmlBlocksBitForBitLikeGgml) {
    const auto importance = importance_vector(kCols, 10);
    for (const Matrix &m : plain_matrices()) {
        for (const float *imp : {static_cast<const float *>(nullptr), importance.data()}) {
            const auto bytes = ggml_quantize(gguf(), m.values.data(), m.rows, m.cols, imp);
            const auto ours = dequantize(bytes, m), ggml = ggml_dequantize(gguf(), bytes.data(), m.rows, m.cols);
            const int64_t diff = first_bit_difference(ours, ggml);
            EXPECT_EQ(diff, -1) << m.name << (imp ? " (imatrix)" : "") << " value " << diff;
        }
    }
}

// Arbitrary bytes: NaN, infinite and subnormal scales, every code and level.
TEST_P(KQuantOracle, DequantizesArbitraryBytesBitForBitLikeGgml) {
    const Matrix shape = zero_matrix(64, kCols);
    std::vector<uint8_t> bytes(shape.rows * (kCols / 256) * GetParam().type.block_bytes);
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (uint8_t &b : bytes) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        b = uint8_t(state >> 56);
    }
    const auto ours = dequantize(bytes, shape), ggml = ggml_dequantize(gguf(), bytes.data(), shape.rows, kCols);
    const int64_t diff = first_bit_difference(ours, ggml);
    EXPECT_EQ(diff, -1) << "value " << diff;
}

TEST_P(KQuantOracle, GgmlAcceptsEveryRowWeWrite) {
    const auto importance = importance_vector(kCols, 11);
    for (const Matrix &m : plain_matrices()) {
        EXPECT_EQ(ggml_first_invalid_row(gguf(), quantize(m).data(), m.rows, m.cols), -1) << m.name;
        EXPECT_EQ(ggml_first_invalid_row(gguf(), quantize(m, importance.data()).data(), m.rows, m.cols), -1)
            << m.name << " with importance";
    }
}

TEST_P(KQuantOracle, ErrorNoWorseThanGgmlReferenceQuantizer) {
    for (const Matrix &m : plain_matrices()) {
        const double ours = relative_rmse(m, dequantize(quantize(m), m));
        const auto ggml_bytes = ggml_quantize(gguf(), m.values.data(), m.rows, m.cols, nullptr);
        const double ggml = relative_rmse(m, ggml_dequantize(gguf(), ggml_bytes.data(), m.rows, m.cols));
        const std::string trace = m.name + ": relative RMSE ours " + std::to_string(ours) + ", ggml " + std::to_string(ggml);
        SCOPED_TRACE(trace);
        ASSERT_TRUE(std::isfinite(ours)) << "our reconstruction overflows";
        if (!std::isfinite(ggml)) continue; // ggml's fp16 scales overflow here; ours saturate
        EXPECT_LE(ours, ggml * kSlack);
        const bool random_data = m.name == "gaussian" || m.name == "heavy_tailed" || m.name == "extreme_tailed";
        if (trellis() && random_data) {
            EXPECT_LT(ours, ggml);
        }
        std::printf("[ metrics  ] %s %s: RMSE ratio vs ggml %.4f\n", case_name(GetParam()).c_str(), m.name.c_str(),
                    ggml > 0 ? ours / ggml : 1.0);
    }
}

TEST_P(KQuantOracle, WeightedErrorNoWorseThanGgmlImatrixQuantizer) {
    const auto importance = importance_vector(kCols, 12);
    for (const Matrix &m : {gaussian_matrix(32, kCols, 13), heavy_tailed_matrix(32, kCols, 14),
                            extreme_tailed_matrix(16, kCols, 15), constant_matrix(8, kCols, 16)}) {
        const double ours = relative_weighted_error(m, dequantize(quantize(m, importance.data()), m), importance);
        const auto ggml_bytes = ggml_quantize(gguf(), m.values.data(), m.rows, m.cols, importance.data());
        const double ggml = relative_weighted_error(m, ggml_dequantize(gguf(), ggml_bytes.data(), m.rows, m.cols), importance);
        EXPECT_LE(ours, ggml * kSlack) << m.name << ": weighted error ours " << ours << ", ggml " << ggml;
        std::printf("[ metrics  ] %s %s with importance: weighted error ratio vs ggml %.4f\n",
                    case_name(GetParam()).c_str(), m.name.c_str(), ggml > 0 ? ours / ggml : 1.0);
    }
}

INSTANTIATE_TEST_SUITE_P(KTypes, KQuantOracle, ::testing::ValuesIn(k_cases()),
                         [](const ::testing::TestParamInfo<KCase> &info) { return case_name(info.param); });

} // namespace
} // namespace gmat::kquants::testing
