// The lattice searches against ggml's quantizers on the same data, per type:
// importance-weighted error (the quantity ggml's imatrix searches minimise)
// below ggml's, trellis never worse than standard block by block, huge values
// stay finite where ggml overflows, rows are independent, bad parameters are
// refused. Byte layout and decoding: the conformance suite and test_grids.
#include "iq1m_format.hpp"
#include "iq1m_kernels.hpp"
#include "iq1s_format.hpp"
#include "iq1s_kernels.hpp"
#include "iq2s_format.hpp"
#include "iq2s_kernels.hpp"
#include "iq2xs_format.hpp"
#include "iq2xs_kernels.hpp"
#include "iq2xxs_format.hpp"
#include "iq2xxs_kernels.hpp"
#include "iq3s_format.hpp"
#include "iq3s_kernels.hpp"
#include "iq3xxs_format.hpp"
#include "iq3xxs_kernels.hpp"

#include <ggml.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace gmat::iqlattice {
namespace {

constexpr uint64_t kRows = 24, kCols = 512, kBlockValues = 256;

struct LatticeType {
    const char *name;
    ggml_type ggml;
    size_t block_bytes;
    double sigma_factor; // ggml's weights: importance * sqrt(sigma_factor * mean square + x^2)
    void (*quantize)(const float *, uint64_t, uint64_t, const sdk::QuantParams &, void *);
    void (*dequantize)(const void *, uint64_t, uint64_t, float *);
};

void PrintTo(const LatticeType &t, std::ostream *out) { *out << t.name; }

const LatticeType kTypes[] = {
    {"iq3_s", GGML_TYPE_IQ3_S, sizeof(Iq3sBlock), 2.0, &quantize_iq3s, &dequantize_iq3s},
    {"iq3_xxs", GGML_TYPE_IQ3_XXS, sizeof(Iq3xxsBlock), 2.0, &quantize_iq3xxs, &dequantize_iq3xxs},
    {"iq2_s", GGML_TYPE_IQ2_S, sizeof(Iq2sBlock), 2.0, &quantize_iq2s, &dequantize_iq2s},
    {"iq2_xs", GGML_TYPE_IQ2_XS, sizeof(Iq2xsBlock), 1.0, &quantize_iq2xs, &dequantize_iq2xs},
    {"iq2_xxs", GGML_TYPE_IQ2_XXS, sizeof(Iq2xxsBlock), 1.0, &quantize_iq2xxs, &dequantize_iq2xxs},
    {"iq1_s", GGML_TYPE_IQ1_S, sizeof(Iq1sBlock), 2.0, &quantize_iq1s, &dequantize_iq1s},
    {"iq1_m", GGML_TYPE_IQ1_M, sizeof(Iq1mBlock), 2.0, &quantize_iq1m, &dequantize_iq1m},
};

std::vector<float> heavy_tailed(uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::student_t_distribution<float> t(4.0f);
    std::vector<float> x(kRows * kCols);
    for (float &v : x) v = scale * t(rng);
    return x;
}

std::vector<float> importance(uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n(0.0f, 1.5f);
    std::vector<float> w(kCols);
    for (float &v : w) v = std::exp(n(rng));
    return w;
}

// ggml's imatrix weighting: importance * sqrt(sigma2 + x^2), sigma2 = sigma_factor * mean square of the
// 256-value block (2 for iq3_*, iq2_s, iq1_*; 1 for iq2_xs, iq2_xxs).
double weighted_error(const std::vector<float> &x, const std::vector<float> &y, const float *w, size_t first,
                      size_t count, double sigma_factor) {
    double error = 0;
    for (size_t b = first; b < first + count; b += kBlockValues) {
        double sumx2 = 0;
        for (size_t i = b; i < b + kBlockValues; ++i) sumx2 += double(x[i]) * x[i];
        const double sigma2 = sigma_factor * sumx2 / kBlockValues;
        for (size_t i = b; i < b + kBlockValues; ++i) {
            const double weight = w ? w[i % kCols] * std::sqrt(sigma2 + double(x[i]) * x[i]) : 1.0;
            error += weight * (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
        }
    }
    return error;
}

class LatticeSearchTest : public ::testing::TestWithParam<LatticeType> {
protected:
    std::vector<uint8_t> quantize(const std::vector<float> &x, const float *w, gmat_scale_strategy strategy,
                                  uint64_t rows = kRows) const {
        std::vector<uint8_t> q(rows * kCols / kBlockValues * GetParam().block_bytes);
        sdk::QuantParams p;
        p.strategy = strategy;
        p.importance = w;
        GetParam().quantize(x.data(), rows, kCols, p, q.data());
        return q;
    }
    std::vector<float> decode(const std::vector<uint8_t> &q) const {
        std::vector<float> y(kRows * kCols);
        GetParam().dequantize(q.data(), kRows, kCols, y.data());
        return y;
    }
    std::vector<float> ggml_round_trip(const std::vector<float> &x, const float *w) const {
        std::vector<uint8_t> q(kRows * kCols / kBlockValues * GetParam().block_bytes);
        ggml_quantize_init(GetParam().ggml);
        ggml_quantize_chunk(GetParam().ggml, x.data(), q.data(), 0, int64_t(kRows), int64_t(kCols), w);
        std::vector<float> y(x.size());
        ggml_get_type_traits(GetParam().ggml)->to_float(q.data(), y.data(), int64_t(y.size()));
        return y;
    }
};

TEST_P(LatticeSearchTest, ImportanceWeightedErrorBelowGgmls) {
    const std::vector<float> x = heavy_tailed(3);
    const std::vector<float> w = importance(4);
    const double ggml = weighted_error(x, ggml_round_trip(x, w.data()), w.data(), 0, x.size(), GetParam().sigma_factor);
    for (gmat_scale_strategy s : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
        const double mine = weighted_error(x, decode(quantize(x, w.data(), s)), w.data(), 0, x.size(), GetParam().sigma_factor);
        EXPECT_LT(mine, ggml * 0.97) << "strategy " << int(s) << ": ours " << mine << ", ggml " << ggml;
        std::printf("%s strategy %d: weighted error vs ggml %.4f\n", GetParam().name, int(s), mine / ggml);
    }
}

TEST_P(LatticeSearchTest, TrellisIsNeverWorseThanStandardBlockByBlock) {
    const std::vector<float> x = heavy_tailed(5);
    const std::vector<float> w = importance(6);
    for (const float *weights : {static_cast<const float *>(nullptr), w.data()}) {
        const std::vector<float> standard = decode(quantize(x, weights, GMAT_SCALE_STANDARD));
        const std::vector<float> trellis = decode(quantize(x, weights, GMAT_SCALE_TRELLIS));
        for (size_t b = 0; b < x.size(); b += kBlockValues)
            ASSERT_LE(weighted_error(x, trellis, weights, b, kBlockValues, GetParam().sigma_factor),
                      weighted_error(x, standard, weights, b, kBlockValues, GetParam().sigma_factor) * (1 + 1e-12))
                << "block " << b / kBlockValues;
    }
}

TEST_P(LatticeSearchTest, HugeValuesSaturateTheScaleInsteadOfOverflowing) {
    const std::vector<float> y = decode(quantize(heavy_tailed(7, 1e30f), nullptr, GMAT_SCALE_STANDARD));
    for (float v : y) ASSERT_TRUE(std::isfinite(v));
}

TEST_P(LatticeSearchTest, RowsAreIndependent) {
    const std::vector<float> x = heavy_tailed(9);
    const std::vector<uint8_t> all = quantize(x, nullptr, GMAT_SCALE_STANDARD);
    const std::vector<float> row5(x.begin() + long(5 * kCols), x.begin() + long(6 * kCols));
    const std::vector<uint8_t> one = quantize(row5, nullptr, GMAT_SCALE_STANDARD, 1);
    EXPECT_TRUE(std::equal(one.begin(), one.end(), all.begin() + long(5 * one.size())));
}

TEST_P(LatticeSearchTest, RefusesBadParameters) {
    const std::vector<float> x = heavy_tailed(1);
    std::vector<uint8_t> q(kRows * kCols / kBlockValues * GetParam().block_bytes);
    sdk::QuantParams p;
    p.strategy = static_cast<gmat_scale_strategy>(7);
    EXPECT_THROW(GetParam().quantize(x.data(), kRows, kCols, p, q.data()), sdk::Error);
    std::vector<float> w(kCols, 1.0f);
    w[3] = -1.0f;
    p = {};
    p.importance = w.data();
    EXPECT_THROW(GetParam().quantize(x.data(), kRows, kCols, p, q.data()), sdk::Error);
}

// iq1_m picks its shift per 8 values: values ggml decodes from blocks whose
// two groups of each 16 values have opposite shifts (d = 1, codes 0..7, random
// indices) are found again exactly, which a shift per sub-block cannot do.
TEST(Iq1mSearch, FindsBlocksWithAShiftPerGroupExactly) {
    std::mt19937 rng(17);
    std::vector<uint8_t> bytes(kRows * kCols / kBlockValues * sizeof(Iq1mBlock));
    auto *blocks = reinterpret_cast<Iq1mBlock *>(bytes.data());
    for (size_t b = 0; b < kRows * kCols / kBlockValues; ++b) {
        Iq1mBlock &block = blocks[b];
        uint16_t scales[4] = {0, 0, 0xc000, 0x3000}; // d = 1.0 (fp16 0x3c00), nibbles 2 and 3
        for (int s = 0; s < 16; ++s) {
            const int shift = (s + int(b)) % 2; // group 2s has this shift, group 2s + 1 the other
            const uint32_t a = rng() % 2048, c = rng() % 2048;
            block.qs[2 * s] = uint8_t(a & 255), block.qs[2 * s + 1] = uint8_t(c & 255);
            block.qh[s] = uint8_t((a >> 8) | uint32_t(shift) << 3 | ((c >> 8) | uint32_t(1 - shift) << 3) << 4);
            scales[s / 4] |= uint16_t((s % 8) << (3 * (s % 4))); // every code, 7 included
        }
        store_iq1m_scales(scales, block);
    }
    std::vector<float> x(kRows * kCols);
    ggml_get_type_traits(GGML_TYPE_IQ1_M)->to_float(bytes.data(), x.data(), int64_t(x.size()));
    const std::vector<float> w(kCols, 1.0f);
    for (gmat_scale_strategy strategy : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
        std::vector<uint8_t> q(bytes.size());
        sdk::QuantParams p;
        p.strategy = strategy;
        p.importance = w.data();
        quantize_iq1m(x.data(), kRows, kCols, p, q.data());
        std::vector<float> y(x.size());
        dequantize_iq1m(q.data(), kRows, kCols, y.data());
        for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], x[i]) << "strategy " << int(strategy) << " value " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Types, LatticeSearchTest, ::testing::ValuesIn(kTypes),
                         [](const ::testing::TestParamInfo<LatticeType> &info) { return std::string(info.param.name); });

} // namespace
} // namespace gmat::iqlattice
