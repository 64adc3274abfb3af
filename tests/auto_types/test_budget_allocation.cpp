// The budgeted allocation on random option sets: never over budget, no single
// change left that fits and lowers the loss, deterministic, and close to the
// exhaustive optimum on small instances (4-8 tensors; the greedy alone is 2.1x off on the worst).
#include "auto/budget_allocation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace gmat {
namespace {

using Options = std::vector<std::vector<BudgetOption>>;

// Tensors with 1-7 options whose loss roughly halves per extra bit, plus noise
// and dominated options.
Options random_options(std::mt19937_64 &rng, size_t tensors) {
    Options out(tensors);
    std::uniform_int_distribution<int> count(1, 7);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (auto &o : out) {
        const uint64_t elements = 32 + rng() % 5000;
        const double scale = 0.1 + unit(rng) * 3;
        for (int k = count(rng); k > 0; --k) {
            const double bits = 2 + unit(rng) * 14;
            o.push_back({static_cast<uint64_t>(bits * elements / 8), scale * std::pow(2.0, -bits) * (0.7 + 0.6 * unit(rng))});
        }
    }
    return out;
}

uint64_t total_of(const Options &o, const BudgetAllocation &a) {
    uint64_t t = 0;
    for (size_t i = 0; i < o.size(); ++i) t += o[i][a.choice[i]].bytes;
    return t;
}

TEST(BudgetAllocation, NeverExceedsTheBudgetAndLeavesNoFittingImprovement) {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
        const Options o = random_options(rng, 1 + rng() % 40);
        const uint64_t low = smallest_total(o);
        uint64_t high = 0;
        for (const auto &t : o) {
            uint64_t m = 0;
            for (const auto &x : t) m = std::max(m, x.bytes);
            high += m;
        }
        const uint64_t budget = low + rng() % (high - low + 2);
        const auto a = allocate_budget(o, budget);
        ASSERT_TRUE(a);
        EXPECT_LE(a->bytes, budget);
        EXPECT_EQ(total_of(o, *a), a->bytes);
        for (size_t i = 0; i < o.size(); ++i)
            for (const auto &x : o[i]) {
                const auto &now = o[i][a->choice[i]];
                const bool fits = x.bytes <= now.bytes || x.bytes - now.bytes <= budget - a->bytes;
                EXPECT_FALSE(fits && x.loss < now.loss && x.bytes > now.bytes) << "trial " << trial << " tensor " << i;
            }
        EXPECT_EQ(allocate_budget(o, budget)->choice, a->choice); // deterministic
    }
}

TEST(BudgetAllocation, BelowTheSmallestTotalIsRefusedAndExactlyItFits) {
    std::mt19937_64 rng(11);
    const Options o = random_options(rng, 20);
    const uint64_t low = smallest_total(o);
    EXPECT_FALSE(allocate_budget(o, low - 1));
    const auto a = allocate_budget(o, low);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->bytes, low);
}

double exhaustive_best(const Options &o, uint64_t budget, size_t i = 0, uint64_t used = 0, double loss = 0) {
    if (i == o.size()) return loss;
    double best = INFINITY;
    for (const auto &x : o[i])
        if (used + x.bytes <= budget) best = std::min(best, exhaustive_best(o, budget, i + 1, used + x.bytes, loss + x.loss));
    return best;
}

TEST(BudgetAllocation, MatchesTheExhaustiveOptimumOnSmallInstances) {
    std::mt19937_64 rng(3);
    double worst = 1;
    for (int trial = 0; trial < 300; ++trial) {
        const Options o = random_options(rng, 4 + trial % 5);
        const uint64_t low = smallest_total(o);
        const uint64_t budget = low + rng() % (low + 1);
        const double best = exhaustive_best(o, budget);
        const double got = allocate_budget(o, budget)->loss;
        EXPECT_GE(got, best * (1 - 1e-12));
        worst = std::max(worst, got / best);
    }
    EXPECT_LT(worst, 1.001) << "worst ratio to the optimum " << worst;
    std::cout << "worst loss ratio to the exhaustive optimum over 300 instances: " << worst << "\n";
}

} // namespace
} // namespace gmat
