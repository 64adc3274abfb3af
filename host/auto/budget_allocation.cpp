#include "auto/budget_allocation.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>

namespace gmat {

namespace {

// Option indices of a tensor sorted by bytes, without dominated ones: each
// keeps a strictly lower loss than every smaller or equal-sized option.
std::vector<size_t> frontier(const std::vector<BudgetOption> &options) {
    std::vector<size_t> order(options.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (options[a].bytes != options[b].bytes) return options[a].bytes < options[b].bytes;
        return options[a].loss < options[b].loss;
    });
    std::vector<size_t> kept;
    for (size_t i : order)
        if (kept.empty() || (options[i].loss < options[kept.back()].loss && options[i].bytes > options[kept.back()].bytes))
            kept.push_back(i);
    return kept;
}

// The lower convex hull of a frontier (bytes increasing, loss decreasing).
std::vector<size_t> lower_hull(const std::vector<BudgetOption> &options, const std::vector<size_t> &front) {
    std::vector<size_t> hull;
    for (size_t i : front) {
        while (hull.size() >= 2) {
            const BudgetOption &a = options[hull[hull.size() - 2]], &b = options[hull.back()], &c = options[i];
            // b lies on or above the segment a-c: drop it.
            const long double lhs = static_cast<long double>(b.loss - a.loss) * static_cast<long double>(c.bytes - a.bytes);
            const long double rhs = static_cast<long double>(c.loss - a.loss) * static_cast<long double>(b.bytes - a.bytes);
            if (lhs >= rhs) hull.pop_back();
            else break;
        }
        hull.push_back(i);
    }
    return hull;
}

struct Step {
    long double gain_per_byte;
    size_t tensor;
    bool operator<(const Step &o) const { // priority_queue: the largest first, lower tensor index on ties
        if (gain_per_byte != o.gain_per_byte) return gain_per_byte < o.gain_per_byte;
        return tensor > o.tensor;
    }
};


// Multiple-choice knapsack by dynamic programming over the bytes above the
// smallest total, in units of ceil(slack / kUnits) with each option's extra
// bytes rounded up: the result always fits, and is optimal up to that rounding.
constexpr uint64_t kUnits = 8192;

std::vector<size_t> knapsack_choice(const std::vector<std::vector<BudgetOption>> &options,
                                    const std::vector<std::vector<size_t>> &fronts, uint64_t slack) {
    const size_t n = options.size();
    const uint64_t unit = std::max<uint64_t>(1, (slack + kUnits - 1) / kUnits);
    const size_t capacity = static_cast<size_t>(slack / unit);
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(capacity + 1, 0.0), next(capacity + 1);
    std::vector<uint16_t> pick(n * (capacity + 1));
    for (size_t i = 0; i < n; ++i) {
        const uint64_t base = options[i][fronts[i].front()].bytes;
        std::fill(next.begin(), next.end(), inf);
        for (size_t f = 0; f < fronts[i].size(); ++f) {
            const BudgetOption &o = options[i][fronts[i][f]];
            const uint64_t cost = (o.bytes - base + unit - 1) / unit;
            if (cost > capacity) break; // the frontier grows in bytes
            for (size_t c = static_cast<size_t>(cost); c <= capacity; ++c) {
                const double v = best[c - cost] + o.loss;
                if (v < next[c]) next[c] = v, pick[i * (capacity + 1) + c] = static_cast<uint16_t>(f);
            }
        }
        best.swap(next);
    }
    std::vector<size_t> choice(n);
    size_t c = capacity;
    for (size_t i = n; i-- > 0;) {
        const size_t f = pick[i * (capacity + 1) + c];
        choice[i] = fronts[i][f];
        const uint64_t base = options[i][fronts[i].front()].bytes;
        c -= static_cast<size_t>((options[i][choice[i]].bytes - base + unit - 1) / unit);
    }
    return choice;
}
} // namespace

uint64_t smallest_total(const std::vector<std::vector<BudgetOption>> &options) {
    uint64_t total = 0;
    for (const auto &o : options) {
        if (o.empty()) throw std::invalid_argument("allocate_budget: a tensor has no option");
        total += std::min_element(o.begin(), o.end(), [](const BudgetOption &a, const BudgetOption &b) {
                     return a.bytes < b.bytes;
                 })->bytes;
    }
    return total;
}

std::optional<BudgetAllocation> allocate_budget(const std::vector<std::vector<BudgetOption>> &options, uint64_t budget) {
    const size_t n = options.size();
    std::vector<std::vector<size_t>> fronts(n), hulls(n);
    std::vector<size_t> position(n, 0); // index into hulls[i]
    BudgetAllocation result;
    result.choice.resize(n);
    uint64_t used = 0;
    for (size_t i = 0; i < n; ++i) {
        if (options[i].empty()) throw std::invalid_argument("allocate_budget: a tensor has no option");
        fronts[i] = frontier(options[i]);
        hulls[i] = lower_hull(options[i], fronts[i]);
        result.choice[i] = hulls[i].front();
        used += options[i][result.choice[i]].bytes;
    }
    if (used > budget) return std::nullopt;

    auto next_step = [&](size_t i) -> std::optional<Step> {
        if (position[i] + 1 >= hulls[i].size()) return std::nullopt;
        const BudgetOption &from = options[i][hulls[i][position[i]]], &to = options[i][hulls[i][position[i] + 1]];
        return Step{static_cast<long double>(from.loss - to.loss) / static_cast<long double>(to.bytes - from.bytes), i};
    };
    std::priority_queue<Step> queue;
    for (size_t i = 0; i < n; ++i)
        if (auto s = next_step(i)) queue.push(*s);
    while (!queue.empty()) {
        const size_t i = queue.top().tensor;
        queue.pop();
        const uint64_t extra = options[i][hulls[i][position[i] + 1]].bytes - options[i][hulls[i][position[i]]].bytes;
        if (extra > budget - used) continue; // closes this tensor: its later steps are larger still
        used += extra;
        ++position[i];
        result.choice[i] = hulls[i][position[i]];
        if (auto s = next_step(i)) queue.push(*s);
    }

    // The knapsack's answer when it beats the greedy one (frontiers of at most
    // 65535 options; both always fit).
    bool small_fronts = true;
    for (const auto &f : fronts) small_fronts &= f.size() < 65535;
    if (small_fronts && n > 0) {
        const uint64_t smallest = smallest_total(options);
        const std::vector<size_t> dp = knapsack_choice(options, fronts, budget - smallest);
        long double greedy_loss = 0, dp_loss = 0;
        uint64_t dp_used = 0;
        for (size_t i = 0; i < n; ++i) {
            greedy_loss += options[i][result.choice[i]].loss;
            dp_loss += options[i][dp[i]].loss;
            dp_used += options[i][dp[i]].bytes;
        }
        if (dp_loss < greedy_loss && dp_used <= budget) result.choice = dp, used = dp_used;
    }

    // Exact final fit: the best single change that fits, until none does;
    // then the best exchange (one tensor a step down its frontier, another up
    // to any option the freed bytes pay for), until none saves loss.
    auto fit_singles = [&] {
    for (;;) {
        long double best_gain = 0;
        size_t best_tensor = n, best_option = 0;
        for (size_t i = 0; i < n; ++i) {
            const BudgetOption &now = options[i][result.choice[i]];
            for (size_t k : fronts[i]) {
                const BudgetOption &o = options[i][k];
                if (o.bytes <= now.bytes || o.loss >= now.loss || o.bytes - now.bytes > budget - used) continue;
                const long double gain = static_cast<long double>(now.loss) - o.loss;
                if (gain > best_gain) best_gain = gain, best_tensor = i, best_option = k;
            }
        }
        if (best_tensor == n) break;
        used += options[best_tensor][best_option].bytes - options[best_tensor][result.choice[best_tensor]].bytes;
        result.choice[best_tensor] = best_option;
    }
    };
    fit_singles();
    for (int round = 0; round < 64; ++round) {
        long double best_gain = 0;
        size_t down_tensor = n, down_option = 0, up_tensor = n, up_option = 0;
        for (size_t i = 0; i < n; ++i) {
            const auto here = std::find(fronts[i].begin(), fronts[i].end(), result.choice[i]);
            if (here == fronts[i].begin() || here == fronts[i].end()) continue;
            const BudgetOption &now = options[i][*here], &down = options[i][*(here - 1)];
            const uint64_t room = budget - used + (now.bytes - down.bytes);
            const long double cost = static_cast<long double>(down.loss) - now.loss;
            for (size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const BudgetOption &other = options[j][result.choice[j]];
                for (size_t k : fronts[j]) {
                    const BudgetOption &o = options[j][k];
                    if (o.bytes <= other.bytes || o.loss >= other.loss || o.bytes - other.bytes > room) continue;
                    const long double gain = static_cast<long double>(other.loss) - o.loss - cost;
                    if (gain > best_gain * (1 + 1e-12L) && gain > 1e-15L * (1 + other.loss))
                        best_gain = gain, down_tensor = i, down_option = *(here - 1), up_tensor = j, up_option = k;
                }
            }
        }
        if (down_tensor == n) break;
        used -= options[down_tensor][result.choice[down_tensor]].bytes - options[down_tensor][down_option].bytes;
        result.choice[down_tensor] = down_option;
        used += options[up_tensor][up_option].bytes - options[up_tensor][result.choice[up_tensor]].bytes;
        result.choice[up_tensor] = up_option;
        fit_singles();
    }
    result.bytes = used;
    for (size_t i = 0; i < n; ++i) result.loss += options[i][result.choice[i]].loss;
    return result;
}

} // namespace gmat
