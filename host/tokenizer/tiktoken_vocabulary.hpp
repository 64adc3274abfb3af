// A tiktoken tokenizer (Kimi K2: tiktoken.model + tokenizer_config.json +
// tokenization_kimi.py) as llama.cpp's converter writes it
// (conversion/deepseek.py, the "kimi-k2" branch of set_vocab):
//   model "gpt2", pre "kimi-k2";
//   ids 0..N-1: the N tiktoken tokens in GPT-2's byte-level alphabet, NORMAL;
//   ids N..N+255: tokenization_kimi.py's 256 reserved special tokens, CONTROL,
//     named by tokenizer_config.json's added_tokens_decoder or
//     "<|reserved_token_{id}|>";
//   ids past those: "[PAD{id}]", UNUSED;
//   the vocabulary is cut or padded to vocab_size (config.json's) when given;
//   merges rebuilt from the ranks (tiktoken_merges.hpp);
//   special ids by id only (config.json's bos_token_id, ...), not by the
//   texts tokenizer_config.json names, as SpecialVocab does without a
//   tokenizer.json.
// The pre-tokenizer regex lives in tokenization_kimi.py, which is not read:
// every tiktoken.model is taken for Kimi's, the one llama.cpp's converter
// reads this way. added_tokens_decoder entries outside the reserved range are
// not tokens of the vocabulary (the converter ignores them too).
#pragma once

#include "tokenizer/tokenizer_folder.hpp"
#include "tokenizer/vocabulary.hpp"

#include <functional>

namespace gmat {

// How many special ids tokenization_kimi.py reserves after the tiktoken ranks.
constexpr uint32_t kimi_reserved_special_tokens = 256;

// Throws GmatError naming the file (and line or field) on a malformed
// tiktoken.model or added_tokens_decoder, when the tiktoken file holds
// more tokens than vocab_size (non-zero) and when one of the 256 bytes is not
// a token of its own (the converter would write merges naming a missing
// token, and llama.cpp throws on text with that byte).
Vocabulary tiktoken_vocabulary(const TokenizerFolder &folder, uint32_t vocab_size,
                               const std::function<void(const std::string &)> &warn);

} // namespace gmat
