// kl_divergence and max_abs_diff against values worked out by hand.
#include "oracle/logit_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

TEST(LogitMetrics, KlOfIdenticalOrShiftedRowsIsZero) {
    const std::vector<float> p = {0.5f, -1.0f, 2.0f, 0.0f, 3.0f, 1.0f};
    EXPECT_DOUBLE_EQ(oracle::kl_divergence(p, p, 3), 0.0);
    std::vector<float> shifted = p; // softmax ignores a per-row constant
    for (size_t i = 0; i < 3; ++i)
        shifted[i] += 10.0f;
    EXPECT_NEAR(oracle::kl_divergence(p, shifted, 3), 0.0, 1e-12);
}

TEST(LogitMetrics, KlMatchesHandComputedValueAveragedOverPositions) {
    // Row 0: P = (1/2, 1/2), Q = (3/4, 1/4): KL = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3).
    // Row 1: identical, KL = 0. Mean: 1/4 ln(4/3).
    const std::vector<float> reference = {0.0f, 0.0f, 1.0f, 2.0f};
    const std::vector<float> candidate = {std::log(3.0f), 0.0f, 1.0f, 2.0f};
    EXPECT_NEAR(oracle::kl_divergence(reference, candidate, 2), 0.25 * std::log(4.0 / 3.0), 1e-7);
    // KL is not symmetric: swapping the arguments gives 1/2 (3/4 ln(3/2) + 1/4 ln(1/2)).
    EXPECT_NEAR(oracle::kl_divergence(candidate, reference, 2), 0.5 * (0.75 * std::log(1.5) + 0.25 * std::log(0.5)),
                1e-7);
}

TEST(LogitMetrics, KlRejectsMismatchedShapes) {
    EXPECT_THROW(oracle::kl_divergence({1, 2, 3}, {1, 2}, 1), std::invalid_argument);
    EXPECT_THROW(oracle::kl_divergence({1, 2, 3}, {1, 2, 3}, 2), std::invalid_argument);
    EXPECT_THROW(oracle::kl_divergence({}, {}, 2), std::invalid_argument);
}

TEST(LogitMetrics, KlOfNonFiniteLogitsIsNotFinite) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(std::isfinite(oracle::kl_divergence({0, 0}, {nan, 0}, 2)));
}

TEST(LogitMetrics, MaxAbsDiff) {
    EXPECT_EQ(oracle::max_abs_diff({1, 2, 3}, {1, 2.5f, 2}), 1.0);
    EXPECT_EQ(oracle::max_abs_diff({}, {}), 0.0);
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(oracle::max_abs_diff({inf, 1}, {inf, 1}), 0.0);
    EXPECT_EQ(oracle::max_abs_diff({1, nan}, {1, nan}), std::numeric_limits<double>::infinity());
    EXPECT_EQ(oracle::max_abs_diff({nan, 1}, {0, 5}), std::numeric_limits<double>::infinity());
    EXPECT_EQ(oracle::max_abs_diff({1, 2}, {inf, 2}), std::numeric_limits<double>::infinity());
    EXPECT_THROW(oracle::max_abs_diff({1}, {1, 2}), std::invalid_argument);
}

} // namespace
