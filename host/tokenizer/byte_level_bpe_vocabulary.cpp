// The byte-level (GPT-2 style) half of hf_bpe_vocabulary: llama.cpp's "gpt2"
// tokenizer byte-encodes text itself and applies the merges by rank, so the
// vocabulary passes through unchanged, without scores.
#include "tokenizer/hf_bpe_vocabulary.hpp"
#include "tokenizer/pre_tokenizer_type.hpp"

namespace gmat {

void finish_byte_level_vocabulary(Vocabulary &vocab, const HfTokenizerJson &tokenizer, const WarningSink &warn,
                                  bool allow_unknown_pre_tokenizer) {
    vocab.model = "gpt2";
    vocab.pre = detect_pre_tokenizer_type(tokenizer.pre_tokenizer, tokenizer.file, warn, allow_unknown_pre_tokenizer);
    if (tokenizer.merges.empty())
        warn(tokenizer.file + ": model.merges is empty; llama.cpp will only produce single-byte tokens");
    vocab.merges = gguf_merge_strings(tokenizer.merges);
}

} // namespace gmat
