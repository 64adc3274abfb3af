// A tokenizer.json BPE model as a GGUF vocabulary, in one of two flavours:
//   byte-level (GPT-2 bytes-to-unicode alphabet, a ByteLevel pre-tokenizer or
//     decoder)                       -> model "gpt2", merges, detected pre;
//   SentencePiece-style (byte_fallback with <0xXX> tokens, or U+2581 for
//     spaces via Metaspace / Replace) -> model "llama", merge-rank scores,
//     BYTE types, add_space_prefix from the normalizer / Metaspace.
// Added tokens are not applied here (see added_tokens.hpp).
#pragma once

#include "tokenizer/bpe_merges.hpp"
#include "tokenizer/hf_tokenizer_json.hpp"
#include "tokenizer/vocabulary.hpp"

#include <functional>

namespace gmat {

using WarningSink = std::function<void(const std::string &)>;

enum class HfBpeFlavour { ByteLevel, SentencePieceStyle };

// Throws GmatError naming the file when the BPE is neither flavour.
HfBpeFlavour hf_bpe_flavour(const HfTokenizerJson &tokenizer);

Vocabulary hf_bpe_vocabulary(const HfTokenizerJson &tokenizer, uint32_t vocab_size, const WarningSink &warn,
                             bool allow_unknown_pre_tokenizer = false);

// The flavour-specific halves, given the base table (model.vocab by id) and
// its text index.
void finish_byte_level_vocabulary(Vocabulary &vocab, const HfTokenizerJson &tokenizer, const WarningSink &warn,
                                  bool allow_unknown_pre_tokenizer);
void finish_sentencepiece_style_vocabulary(Vocabulary &vocab, const HfTokenizerJson &tokenizer,
                                           const TokenIndex &index);

} // namespace gmat
