// The same input gives the same bytes: on every call, however the rows are
// split across threads, and on the scalar and AVX2 paths.
#include "kernels/row_kernels.hpp"
#include "kquant_cases.hpp"
#include "kquant_matrices.hpp"
#include "kquant_plugin.hpp"

#include <gmat_quant/cpu_features.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace gmat::kquants::testing {
namespace {

constexpr uint64_t kCols = 1024;

using RowFn = void (*)(const float *, uint64_t, const SearchOptions &, void *);

RowFn row_function(const RowKernels &k, const std::string &type) {
    if (type == "q2_k") return k.q2_k;
    if (type == "q3_k") return k.q3_k;
    if (type == "q4_k") return k.q4_k;
    if (type == "q5_k") return k.q5_k;
    return k.q6_k;
}

std::vector<uint8_t> quantize_with(const RowKernels &kernels, const KType &type, const Matrix &m, bool trellis,
                                   const float *importance) {
    const uint64_t blocks = m.cols / 256, row_bytes = blocks * type.block_bytes;
    std::vector<uint8_t> out(m.rows * row_bytes);
    SearchOptions options;
    options.trellis = trellis;
    options.importance = importance;
    for (uint64_t r = 0; r < m.rows; ++r) row_function(kernels, type.name)(m.row(r), blocks, options, out.data() + r * row_bytes);
    return out;
}

std::vector<Matrix> matrices() {
    return {gaussian_matrix(8, kCols, 21), heavy_tailed_matrix(8, kCols, 22), extreme_tailed_matrix(8, kCols, 23),
            constant_matrix(4, kCols, 24), scaled_gaussian_matrix("small", 4, kCols, 25, 1e-3),
            scaled_gaussian_matrix("huge", 2, kCols, 26, 1e30)};
}

TEST(KQuantDeterminism, ScalarAndAvx2WriteTheSameBytes) {
    if (quant::supported_simd_level() != quant::SimdLevel::avx2) GTEST_SKIP() << "this CPU has no AVX2";
    const auto importance = importance_vector(kCols, 27);
    for (const KType &type : k_types())
        for (bool trellis : {false, true})
            for (const float *imp : {static_cast<const float *>(nullptr), importance.data()})
                for (const Matrix &m : matrices())
                    EXPECT_EQ(quantize_with(scalar_row_kernels(), type, m, trellis, imp),
                              quantize_with(avx2_row_kernels(), type, m, trellis, imp))
                        << type.name << (trellis ? " trellis " : " standard ") << m.name
                        << (imp ? " with importance" : "");
}

// Rows [0, rows) in `parts` contiguous ranges, one std::thread each, through the plugin.
std::vector<uint8_t> quantize_threaded(const KCase &c, const Matrix &m, const float *importance, unsigned parts) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    const uint64_t row_bytes = m.cols / 256 * c.type.block_bytes;
    std::vector<uint8_t> out(m.rows * row_bytes);
    std::vector<std::thread> threads;
    for (unsigned p = 0; p < parts; ++p) {
        const uint64_t begin = m.rows * p / parts, end = m.rows * (p + 1) / parts;
        threads.emplace_back([&, begin, end] {
            plugin.quantize_into(c.type.name, m.row(begin), end - begin, m.cols, c.strategy, importance, 0.3f,
                                 out.data() + begin * row_bytes);
        });
    }
    for (auto &t : threads) t.join();
    return out;
}

TEST(KQuantDeterminism, SameBytesOnRepeatAndAnyThreadSplit) {
    const Matrix m = heavy_tailed_matrix(24, kCols, 28);
    const auto importance = importance_vector(kCols, 29);
    for (const KCase &c : k_cases()) {
        for (const float *imp : {static_cast<const float *>(nullptr), importance.data()}) {
            const auto once = KQuantsPlugin::get().quantize(c.type.name, m.values.data(), m.rows, m.cols, c.strategy, imp);
            EXPECT_EQ(KQuantsPlugin::get().quantize(c.type.name, m.values.data(), m.rows, m.cols, c.strategy, imp), once)
                << case_name(c) << ": two identical calls differ";
            for (unsigned parts : {2u, 3u, 5u})
                EXPECT_EQ(quantize_threaded(c, m, imp, parts), once) << case_name(c) << ", " << parts << " threads";
        }
    }
}

} // namespace
} // namespace gmat::kquants::testing
