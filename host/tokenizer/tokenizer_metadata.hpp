// Turns a HuggingFace model folder's tokenizer files into the GGUF
// tokenizer.* keys llama.cpp reads, as convert_hf_to_gguf.py does for the
// llama family. Sources, in the order they are tried:
//   tokenizer.model  SentencePiece ModelProto        -> model "llama", pre "default"
//   tokenizer.json   BPE with ByteLevel (GPT-2 bytes) -> model "gpt2" + merges, pre detected
//   tokenizer.json   BPE with byte_fallback / U+2581  -> model "llama", scores from merge ranks
//   tiktoken.model   tiktoken ranks (Kimi K2)         -> model "gpt2" + rebuilt merges, pre "kimi-k2"
//                    (tiktoken_vocabulary.hpp)
// then added tokens, special token ids, add_bos/add_eos and the chat template
// from tokenizer_config.json, special_tokens_map.json, added_tokens.json,
// config.json, generation_config.json and chat_template.jinja.
#pragma once

#include "metadata/metadata.hpp"
#include "tokenizer/tokenizer_options.hpp"

#include <filesystem>

namespace gmat {

// Replaces every "tokenizer.*" key in out with the folder's tokenizer. Throws
// GmatError naming the file and field on malformed input, and a clear error
// when the folder holds none of tokenizer.model, tokenizer.json and
// tiktoken.model.
void append_tokenizer_metadata(const std::filesystem::path &model_dir, const TokenizerOptions &options, Metadata &out);

} // namespace gmat
