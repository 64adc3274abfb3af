// Our dequantizers give ggml's to_float bit for bit: on our blocks, on
// ggml_quantize_chunk's blocks and on arbitrary bytes with finite scales.
#include "iq4_reference.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace iquants_test;

namespace {

class Dequantize : public ::testing::TestWithParam<Iq4Type> {};

void expect_bit_identical(const std::vector<float> &a, const std::vector<float> &b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        uint32_t ua, ub;
        std::memcpy(&ua, &a[i], 4);
        std::memcpy(&ub, &b[i], 4);
        ASSERT_EQ(ua, ub) << "value " << i << ": " << a[i] << " vs " << b[i];
    }
}

} // namespace

TEST_P(Dequantize, MatchesGgmlOnOurBlocks) {
    const Iq4Type type = GetParam();
    const Matrix m = heavy_tailed_matrix(16, 1024, 11);
    const std::vector<float> importance = importance_vector(m.cols, 12);
    for (gmat_scale_strategy strategy : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
        for (const float *imp : {static_cast<const float *>(nullptr), importance.data()}) {
            const std::vector<uint8_t> q = gmat_quantize(type, m, {strategy, 0.3f, imp});
            expect_bit_identical(gmat_dequantize(type, q, m), ggml_dequantize(type, q, m));
        }
    }
}

TEST_P(Dequantize, MatchesGgmlOnGgmlBlocks) {
    const Iq4Type type = GetParam();
    const Matrix m = gaussian_matrix(16, 1024, 13);
    const std::vector<uint8_t> q = ggml_quantize(type, m);
    expect_bit_identical(gmat_dequantize(type, q, m), ggml_dequantize(type, q, m));
}

TEST_P(Dequantize, MatchesGgmlOnArbitraryBytes) {
    const Iq4Type type = GetParam();
    const Matrix shape = zero_matrix(8, 2048);
    std::vector<uint8_t> bytes(shape.rows * row_bytes(type, shape.cols));
    std::mt19937 rng(14);
    for (uint8_t &b : bytes) b = uint8_t(rng());
    // Keep every fp16 scale finite (exponent below 31): both sides would give inf/NaN otherwise.
    const size_t block = gmat::iquants::format_of(type).block_bytes;
    for (size_t i = 0; i < bytes.size(); i += block) bytes[i + 1] = uint8_t(bytes[i + 1] & 0xbf);
    expect_bit_identical(gmat_dequantize(type, bytes, shape), ggml_dequantize(type, bytes, shape));
}

INSTANTIATE_TEST_SUITE_P(Iq4, Dequantize, ::testing::Values(Iq4Type::nl, Iq4Type::xs),
                         [](const auto &info) { return std::string(type_name(info.param)); });
