// Error against ggml's quantizer (ggml_quantize_chunk) on the same data:
// standard no worse, trellis strictly better, on Gaussian and heavy-tailed
// matrices, with and without an importance vector; the edge matrices (zero,
// constant, tiny, huge, mixed magnitudes) no worse either; every row valid.
#include "iq4_reference.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace iquants_test;

namespace {

struct ErrorCase {
    Iq4Type type;
    gmat_scale_strategy strategy;
};

class ErrorVsGgml : public ::testing::TestWithParam<ErrorCase> {
protected:
    // Our error must be <= ggml's (standard) or < ggml's (trellis).
    void expect_no_worse(double ours, double ggml, const std::string &what) const {
        if (GetParam().strategy == GMAT_SCALE_TRELLIS) EXPECT_LT(ours, ggml) << what;
        else EXPECT_LE(ours, ggml) << what;
    }
    std::vector<uint8_t> quantize(const Matrix &m, const float *importance = nullptr) const {
        const std::vector<uint8_t> q = gmat_quantize(GetParam().type, m, {GetParam().strategy, 0.3f, importance});
        EXPECT_EQ(ggml_first_invalid_row(GetParam().type, q, m), -1) << m.name << ": ggml rejects our row";
        return q;
    }
};

std::vector<Matrix> judged_matrices() {
    return {gaussian_matrix(96, 2048, 1), heavy_tailed_matrix(96, 2048, 2)};
}

} // namespace

TEST_P(ErrorVsGgml, RelativeRmseOnGaussianAndHeavyTailed) {
    const Iq4Type type = GetParam().type;
    for (const Matrix &m : judged_matrices()) {
        const double ours = relative_rmse(m, gmat_dequantize(type, quantize(m), m));
        const double ggml = relative_rmse(m, ggml_dequantize(type, ggml_quantize(type, m), m));
        expect_no_worse(ours, ggml, m.name);
        RecordProperty(m.name + "_error_ratio", std::to_string(ours / ggml));
    }
}

TEST_P(ErrorVsGgml, ImportanceWeightedErrorWithImatrix) {
    const Iq4Type type = GetParam().type;
    for (const Matrix &m : judged_matrices()) {
        const std::vector<float> importance = importance_vector(m.cols, 7);
        const double ours = relative_objective(type, m, gmat_dequantize(type, quantize(m, importance.data()), m),
                                               importance.data(), 0.0);
        const double ggml = relative_objective(
            type, m, ggml_dequantize(type, ggml_quantize(type, m, importance.data()), m), importance.data(), 0.0);
        expect_no_worse(ours, ggml, m.name + " with importance");
    }
}

TEST_P(ErrorVsGgml, ZeroRowsDecodeToZero) {
    const Matrix m = zero_matrix(4, 512);
    for (float v : gmat_dequantize(GetParam().type, quantize(m), m)) ASSERT_EQ(v, 0.0f);
}

TEST_P(ErrorVsGgml, EdgeMatricesNoWorse) {
    const Iq4Type type = GetParam().type;
    const Matrix edge[] = {constant_matrix(16, 512, 3), tiny_matrix(16, 512, 4), mixed_magnitude_matrix(32, 1024, 5)};
    for (const Matrix &m : edge) {
        const double ours = relative_rmse(m, gmat_dequantize(type, quantize(m), m));
        const double ggml = relative_rmse(m, ggml_dequantize(type, ggml_quantize(type, m), m));
        EXPECT_LE(ours, ggml) << m.name;
    }
}

// 1e30 needs a scale beyond fp16: ggml stores inf (rows it then rejects);
// ours saturates, so every value stays finite and the rows load.
TEST_P(ErrorVsGgml, HugeValuesGiveFiniteValidRows) {
    const Iq4Type type = GetParam().type;
    const Matrix m = huge_matrix(8, 512, 6);
    const double ours = relative_rmse(m, gmat_dequantize(type, quantize(m), m));
    EXPECT_TRUE(std::isfinite(ours));
    const double ggml = relative_rmse(m, ggml_dequantize(type, ggml_quantize(type, m), m));
    if (std::isfinite(ggml)) {
        EXPECT_LE(ours, ggml);
    }
}

INSTANTIATE_TEST_SUITE_P(Iq4, ErrorVsGgml,
                         ::testing::Values(ErrorCase{Iq4Type::nl, GMAT_SCALE_STANDARD},
                                           ErrorCase{Iq4Type::nl, GMAT_SCALE_TRELLIS},
                                           ErrorCase{Iq4Type::xs, GMAT_SCALE_STANDARD},
                                           ErrorCase{Iq4Type::xs, GMAT_SCALE_TRELLIS}),
                         [](const auto &info) {
                             return std::string(type_name(info.param.type)) +
                                    (info.param.strategy == GMAT_SCALE_TRELLIS ? "_trellis" : "_standard");
                         });
