// The trellis strategy against the standard one, block by block: it never
// has a higher value of its own objective J (plain error plus lambda times
// the block-mean error term), with lambda = 0 it never has a higher plain
// error, and lambda changes what it optimises.
#include "iq4_reference.hpp"

#include <gtest/gtest.h>

using namespace iquants_test;

namespace {

class Trellis : public ::testing::TestWithParam<Iq4Type> {};

// Block objectives of standard and trellis results with lambda, per block.
void expect_trellis_no_worse(Iq4Type type, const Matrix &m, const float *importance, float lambda) {
    const auto standard = gmat_dequantize(type, gmat_quantize(type, m, {GMAT_SCALE_STANDARD, lambda, importance}), m);
    const auto trellis = gmat_dequantize(type, gmat_quantize(type, m, {GMAT_SCALE_TRELLIS, lambda, importance}), m);
    const std::vector<double> js = block_objectives(type, m, standard, importance, lambda);
    const std::vector<double> jt = block_objectives(type, m, trellis, importance, lambda);
    ASSERT_EQ(js.size(), jt.size());
    int worse = 0, better = 0;
    for (size_t b = 0; b < js.size(); ++b) {
        // Our float sums may rank two nearly equal candidates differently than double sums do.
        if (jt[b] > js[b] * (1 + 1e-5) + 1e-30) ++worse;
        if (jt[b] < js[b]) ++better;
    }
    EXPECT_EQ(worse, 0) << m.name << " lambda " << lambda << ": blocks where trellis is worse";
    EXPECT_GT(better, 0) << m.name << " lambda " << lambda << ": trellis never improved a block";
    EXPECT_LT(relative_objective(type, m, trellis, importance, lambda),
              relative_objective(type, m, standard, importance, lambda));
}

} // namespace

TEST_P(Trellis, NeverWorseThanStandardOnItsObjective) {
    const Matrix m = heavy_tailed_matrix(32, 2048, 21);
    const std::vector<float> importance = importance_vector(m.cols, 22);
    for (float lambda : {0.0f, 0.3f, 2.0f}) {
        expect_trellis_no_worse(GetParam(), m, nullptr, lambda);
        expect_trellis_no_worse(GetParam(), m, importance.data(), lambda);
    }
}

// A larger lambda trades plain error for a smaller block-mean error.
TEST_P(Trellis, LambdaShrinksTheBlockMeanError) {
    const Iq4Type type = GetParam();
    const Matrix m = gaussian_matrix(32, 2048, 23);
    auto mean_error = [&](float lambda) {
        const auto y = gmat_dequantize(type, gmat_quantize(type, m, {GMAT_SCALE_TRELLIS, lambda}), m);
        double dc = 0;
        for (size_t b = 0; b < y.size(); b += 32) {
            double s = 0;
            for (size_t j = b; j < b + 32; ++j) s += double(m.values[j]) - y[j];
            dc += s * s / 32;
        }
        return dc;
    };
    EXPECT_LT(mean_error(2.0f), mean_error(0.0f));
}

INSTANTIATE_TEST_SUITE_P(Iq4, Trellis, ::testing::Values(Iq4Type::nl, Iq4Type::xs),
                         [](const auto &info) { return std::string(type_name(info.param)); });
