// BPE merge lists: the checks HF tokenizers applies when loading them, the
// string form GGUF stores, and the merge-rank scores a SentencePiece-style
// vocabulary needs in llama.cpp.
#pragma once

#include "tokenizer/hf_tokenizer_json.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace gmat {

using TokenIndex = std::unordered_map<std::string, uint32_t>;

// Throws GmatError naming the file and merge index when a merge's left half,
// right half or result is not a vocabulary token.
void check_merges(const std::vector<HfBpeMerge> &merges, const TokenIndex &vocab, const std::string &file);

// "left right" per merge; a space inside a half becomes U+0120 ('Ġ', the
// byte-level form of a space) so llama.cpp's split at the first space stays
// unambiguous, as convert_hf_to_gguf.py writes it.
std::vector<std::string> gguf_merge_strings(const std::vector<HfBpeMerge> &merges);

// Id of each merge's result -> -(rank of the first merge producing it).
// llama.cpp's SentencePiece tokenizer merges the adjacent pair whose result
// scores highest (leftmost on ties), so these scores replay HF's BPE, which
// applies the lowest-ranked merge first (leftmost on ties).
std::unordered_map<uint32_t, float> merge_rank_scores(const std::vector<HfBpeMerge> &merges, const TokenIndex &vocab);

} // namespace gmat
