// What the plugin does with its parameters: the importance vector and
// trellis_lambda change the result the documented way, and what it cannot
// honour is refused with a message naming the problem.
#include "kquant_cases.hpp"
#include "kquant_matrices.hpp"
#include "kquant_oracle.hpp"
#include "kquant_plugin.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace gmat::kquants::testing {
namespace {

constexpr uint64_t kCols = 1024;

std::string call_error(const std::function<void()> &call) {
    try {
        call();
    } catch (const PluginCallError &e) {
        EXPECT_EQ(e.status, GMAT_ERROR_INVALID_ARGUMENT) << e.what();
        return e.what();
    }
    return "";
}

TEST(KQuantParameters, RefusesWhatItCannotHonour) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    Matrix m = gaussian_matrix(8, kCols, 31);
    auto run = [&](gmat_scale_strategy s, const float *imp, float lambda) {
        return call_error([&] { plugin.quantize("q4_k", m.values.data(), m.rows, m.cols, s, imp, lambda); });
    };
    EXPECT_NE(run(gmat_scale_strategy(7), nullptr, 0.3f).find("strategy 7"), std::string::npos);
    EXPECT_NE(run(GMAT_SCALE_TRELLIS, nullptr, -1.0f).find("trellis_lambda"), std::string::npos);
    EXPECT_NE(run(GMAT_SCALE_TRELLIS, nullptr, NAN).find("trellis_lambda"), std::string::npos);
    auto importance = importance_vector(kCols, 32);
    importance[300] = -1.0f;
    EXPECT_NE(run(GMAT_SCALE_STANDARD, importance.data(), 0.3f).find("column 300"), std::string::npos);
    importance[300] = NAN;
    EXPECT_NE(run(GMAT_SCALE_STANDARD, importance.data(), 0.3f).find("column 300"), std::string::npos);
    m.row(5)[7] = INFINITY;
    EXPECT_NE(run(GMAT_SCALE_STANDARD, nullptr, 0.3f).find("row 5"), std::string::npos);
    EXPECT_NE(call_error([&] { plugin.quantize("q6_k", m.values.data(), 1, 300, GMAT_SCALE_STANDARD); }).find("256"),
              std::string::npos);
}

// The trellis starts from the standard result and only takes steps that
// lower its cost, which for lambda = 0 is the plain squared error.
TEST(KQuantParameters, TrellisWithoutLambdaNeverLessAccurateThanStandard) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    const Matrix m = heavy_tailed_matrix(32, kCols, 33);
    for (const KType &t : k_types()) {
        auto error = [&](gmat_scale_strategy s) {
            const auto bytes = plugin.quantize(t.name, m.values.data(), m.rows, m.cols, s, nullptr, 0.0f);
            return relative_rmse(m, plugin.dequantize(t.name, bytes.data(), m.rows, m.cols));
        };
        EXPECT_LE(error(GMAT_SCALE_TRELLIS), error(GMAT_SCALE_STANDARD) * 1.00001) << t.name;
    }
}

// trellis_lambda is the extra weight of each sub-block's mean error: raising
// it lowers the mean (DC) part of the error.
TEST(KQuantParameters, LambdaWeighsTheMeanError) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    const Matrix m = heavy_tailed_matrix(64, kCols, 34);
    for (const KType &t : k_types()) {
        auto mean_error = [&](float lambda) {
            const auto bytes = plugin.quantize(t.name, m.values.data(), m.rows, m.cols, GMAT_SCALE_TRELLIS, nullptr, lambda);
            return relative_mean_error(m, plugin.dequantize(t.name, bytes.data(), m.rows, m.cols), t.sub_block);
        };
        EXPECT_LT(mean_error(4.0f), mean_error(0.0f)) << t.name;
    }
}

// Columns with more importance are reproduced more accurately, and the
// importance-weighted error drops below the unweighted quantization's.
TEST(KQuantParameters, ImportanceIsHonoured) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    const Matrix m = gaussian_matrix(32, kCols, 35);
    std::vector<float> importance(kCols, 1.0f);
    for (uint64_t c = 0; c < kCols; c += 4) importance[c] = 50.0f;
    for (const KCase &c : k_cases()) {
        auto weighted = [&](const float *imp) {
            const auto bytes = plugin.quantize(c.type.name, m.values.data(), m.rows, m.cols, c.strategy, imp);
            return relative_weighted_error(m, plugin.dequantize(c.type.name, bytes.data(), m.rows, m.cols), importance);
        };
        EXPECT_LT(weighted(importance.data()), weighted(nullptr)) << case_name(c);
    }
}

// Sub-blocks whose importance is all zero fall back to the plain squared
// error instead of coming out arbitrary.
TEST(KQuantParameters, AllZeroImportanceFallsBackToPlainError) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    const Matrix m = heavy_tailed_matrix(16, kCols, 36);
    const std::vector<float> zero(kCols, 0.0f);
    for (const KCase &c : k_cases()) {
        const auto ours = plugin.quantize(c.type.name, m.values.data(), m.rows, m.cols, c.strategy, zero.data());
        const auto ggml = ggml_quantize(c.type.gguf_type, m.values.data(), m.rows, m.cols, nullptr);
        EXPECT_LE(relative_rmse(m, plugin.dequantize(c.type.name, ours.data(), m.rows, m.cols)),
                  relative_rmse(m, ggml_dequantize(c.type.gguf_type, ggml.data(), m.rows, m.cols)) * 1.0001)
            << case_name(c);
    }
}

} // namespace
} // namespace gmat::kquants::testing
