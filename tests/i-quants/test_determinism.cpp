// Same bytes whatever the SIMD path, the thread count or the call.
#include "iq4_reference.hpp"

#include <iq4_kernels.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace iquants_test;
using gmat::quant::SimdLevel;

namespace {

struct Variant {
    gmat_scale_strategy strategy;
    bool weighted;
};

const Variant kVariants[] = {{GMAT_SCALE_STANDARD, false}, {GMAT_SCALE_STANDARD, true},
                             {GMAT_SCALE_TRELLIS, false},  {GMAT_SCALE_TRELLIS, true}};

std::vector<Matrix> all_matrices() {
    // 40 iq4_nl blocks per row: lane groups of 8 plus none left over; 1056 columns: a group of 1 left over.
    return {heavy_tailed_matrix(6, 1280, 31), gaussian_matrix(5, 1024, 32),  constant_matrix(4, 256, 33),
            tiny_matrix(4, 512, 34),          huge_matrix(2, 256, 35),        zero_matrix(2, 256),
            mixed_magnitude_matrix(4, 768, 36)};
}

class Determinism : public ::testing::TestWithParam<Iq4Type> {};

} // namespace

TEST_P(Determinism, ScalarAndAvx2GiveTheSameBytes) {
    if (gmat::quant::supported_simd_level() != SimdLevel::avx2) GTEST_SKIP() << "this CPU has no AVX2";
    const Iq4Type type = GetParam();
    for (const Matrix &m : all_matrices()) {
        const std::vector<float> importance = importance_vector(m.cols, 37);
        for (const Variant &v : kVariants) {
            const float *imp = v.weighted ? importance.data() : nullptr;
            const auto scalar = gmat_quantize(type, m, {v.strategy, 0.3f, imp, SimdLevel::scalar});
            const auto avx2 = gmat_quantize(type, m, {v.strategy, 0.3f, imp, SimdLevel::avx2});
            EXPECT_EQ(scalar, avx2) << m.name << " strategy " << v.strategy << (v.weighted ? " weighted" : "");
        }
    }
}

TEST_P(Determinism, RepeatedCallsGiveTheSameBytes) {
    const Iq4Type type = GetParam();
    const Matrix m = heavy_tailed_matrix(8, 1024, 38);
    for (const Variant &v : kVariants) {
        const std::vector<float> importance = importance_vector(m.cols, 39);
        const Options o{v.strategy, 0.3f, v.weighted ? importance.data() : nullptr};
        EXPECT_EQ(gmat_quantize(type, m, o), gmat_quantize(type, m, o));
    }
}

// The host splits rows among threads: any split gives the bytes of one call.
TEST_P(Determinism, ThreadCountDoesNotChangeTheBytes) {
    const Iq4Type type = GetParam();
    const Matrix m = heavy_tailed_matrix(13, 1024, 40);
    const std::vector<float> importance = importance_vector(m.cols, 41);
    const uint64_t bytes = row_bytes(type, m.cols);
    for (const Variant &v : kVariants) {
        gmat::sdk::QuantParams params;
        params.strategy = v.strategy;
        params.importance = v.weighted ? importance.data() : nullptr;
        const std::vector<uint8_t> whole = gmat_quantize(type, m, {v.strategy, 0.3f, params.importance});
        for (unsigned threads : {2u, 3u, 5u}) {
            std::vector<uint8_t> split(whole.size());
            std::vector<std::thread> pool;
            for (unsigned t = 0; t < threads; ++t) {
                const uint64_t first = m.rows * t / threads, last = m.rows * (t + 1) / threads;
                pool.emplace_back([&, first, last] {
                    gmat::iquants::quantize_rows(type, gmat::quant::simd_level(), m.row(first), last - first, m.cols,
                                                 params, split.data() + first * bytes);
                });
            }
            for (std::thread &th : pool) th.join();
            EXPECT_EQ(split, whole) << threads << " threads, strategy " << v.strategy;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Iq4, Determinism, ::testing::Values(Iq4Type::nl, Iq4Type::xs),
                         [](const auto &info) { return std::string(type_name(info.param)); });
