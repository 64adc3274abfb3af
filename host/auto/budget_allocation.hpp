// The budgeted allocation behind default_type "auto": each tensor has a few
// options (bytes, predicted loss); choose one per tensor so the total bytes
// stay within the budget and the summed loss is as low as the method finds.
//
// Method: options dominated by a smaller one (no lower loss) are dropped.
// 1. Greedy: every tensor starts at its smallest option; each tensor's options
//    are reduced to their lower convex hull in (bytes, loss) and upgrades
//    along the hulls are taken highest loss saved per byte first (the
//    Lagrangian relaxation's order); an upgrade that no longer fits closes
//    its tensor.
// 2. Knapsack: the same choice solved by dynamic programming over the bytes
//    above the smallest total, in 8192 units of ceil(slack / 8192) bytes with
//    every option's extra bytes rounded up (so it always fits); taken when
//    its loss is lower than the greedy one's.
// 3. Exact final fit: repeatedly the single change of one tensor to any
//    option that fits the bytes left and saves the most loss; then exchanges
//    (one tensor a step down, another up to any option the freed bytes pay
//    for) while one saves loss (at most 64 rounds), each followed by step 3's
//    single changes.
// Ties break on the lower tensor index then the smaller option, so the result
// depends only on the inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace gmat {

struct BudgetOption {
    uint64_t bytes = 0;
    double loss = 0;
};

struct BudgetAllocation {
    std::vector<size_t> choice; // per tensor: an index into its options
    uint64_t bytes = 0;         // sum of the chosen options' bytes
    double loss = 0;
};

// The smallest total: every tensor at its smallest option.
uint64_t smallest_total(const std::vector<std::vector<BudgetOption>> &options);

// nullopt when even the smallest total exceeds budget. Every tensor needs at
// least one option.
std::optional<BudgetAllocation> allocate_budget(const std::vector<std::vector<BudgetOption>> &options, uint64_t budget);

} // namespace gmat
