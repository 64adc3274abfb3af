// The BPE merges a tiktoken vocabulary implies. A tiktoken file lists only
// tokens and ranks; llama.cpp's "gpt2" tokenizer needs "left right" merges.
// llama.cpp's converter (QwenModel.bpe, used for Kimi K2) rebuilds them: each
// token of two or more bytes is split into bytes and merged again with the
// ranks below its own, lowest rank first (leftmost on ties); when that ends in
// exactly two parts they are its merge. Tokens that end in more parts get no
// merge.
#pragma once

#include "tokenizer/tiktoken_model.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gmat {

using TiktokenRanks = std::unordered_map<std::string_view, uint32_t>;

// token bytes -> rank; the views point into model.tokens.
TiktokenRanks tiktoken_ranks(const TiktokenModel &model);

// token's bytes after merging adjacent parts while the lowest-ranked pair that
// is a token has a rank below max_rank.
std::vector<std::string_view> bpe_parts(const TiktokenRanks &ranks, std::string_view token, uint32_t max_rank);

// (left, right) token bytes per merge, in the file's line order.
std::vector<std::pair<std::string, std::string>> tiktoken_merges(const TiktokenModel &model);

} // namespace gmat
