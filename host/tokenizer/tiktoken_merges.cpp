#include "tokenizer/tiktoken_merges.hpp"

#include <limits>

namespace gmat {

namespace {

constexpr uint32_t no_rank = std::numeric_limits<uint32_t>::max();

} // namespace

TiktokenRanks tiktoken_ranks(const TiktokenModel &model) {
    TiktokenRanks ranks;
    ranks.reserve(model.tokens.size());
    for (size_t rank = 0; rank < model.tokens.size(); ++rank)
        ranks.emplace(model.tokens[rank], static_cast<uint32_t>(rank));
    return ranks;
}

std::vector<std::string_view> bpe_parts(const TiktokenRanks &ranks, std::string_view token, uint32_t max_rank) {
    // Parts are contiguous: starts[i] is where part i begins, so part i and
    // i + 1 together are token[starts[i], starts[i + 2]).
    std::vector<size_t> starts(token.size() + 1);
    for (size_t i = 0; i <= token.size(); ++i) starts[i] = i;
    auto pair_rank = [&](size_t i) {
        auto it = ranks.find(token.substr(starts[i], starts[i + 2] - starts[i]));
        return it == ranks.end() ? no_rank : it->second;
    };
    std::vector<uint32_t> pair_ranks; // of parts i and i + 1
    for (size_t i = 0; i + 2 < starts.size(); ++i) pair_ranks.push_back(pair_rank(i));
    while (!pair_ranks.empty()) {
        size_t best = 0;
        for (size_t i = 1; i < pair_ranks.size(); ++i)
            if (pair_ranks[i] < pair_ranks[best]) best = i;
        if (pair_ranks[best] == no_rank || pair_ranks[best] >= max_rank) break;
        starts.erase(starts.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        pair_ranks.erase(pair_ranks.begin() + static_cast<std::ptrdiff_t>(best));
        if (best + 2 < starts.size()) pair_ranks[best] = pair_rank(best);
        if (best > 0) pair_ranks[best - 1] = pair_rank(best - 1);
    }
    std::vector<std::string_view> parts;
    parts.reserve(starts.size() - 1);
    for (size_t i = 0; i + 1 < starts.size(); ++i) parts.push_back(token.substr(starts[i], starts[i + 1] - starts[i]));
    return parts;
}

std::vector<std::pair<std::string, std::string>> tiktoken_merges(const TiktokenModel &model) {
    const TiktokenRanks ranks = tiktoken_ranks(model);
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(model.tokens.size());
    for (uint32_t rank : model.ranks_in_file) {
        const std::string &token = model.tokens[rank];
        if (token.size() < 2) continue;
        const auto parts = bpe_parts(ranks, token, rank);
        if (parts.size() == 2) merges.emplace_back(std::string(parts[0]), std::string(parts[1]));
    }
    return merges;
}

} // namespace gmat
