// Chooses tokenizer.ggml.pre for a byte-level BPE tokenizer.json.
//
// convert_hf_to_gguf.py hashes the token ids HF produces for a probe text,
// which needs the HF runtime. Here the pre_tokenizer section is read instead:
// its word-splitting steps form a signature (each Split regex in order,
// "Digits" steps, and the GPT-2 regex that ByteLevel adds when use_regex is
// true), compared with the signatures of the llama.cpp pre types whose
// tokenizer.json regexes llama-vocab.cpp records. The rule:
//   1. the whole signature equals a known one      -> that type;
//   2. else an error naming the file and the signature, as llama.cpp's
//      converter refuses a pre-tokenizer it does not recognise; unless
//      allow_unknown (`gmat export --allow-unknown-pretokenizer`), then with
//      a warning: the known type whose last (word-splitting) regex is the
//      same, else "default".
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

namespace gmat {

// The signature steps of a pre_tokenizer section (null: no pre-tokenizer).
std::vector<std::string> pre_tokenizer_signature(const rapidjson::Value *pre_tokenizer);

// file names the source in errors and warnings.
std::string detect_pre_tokenizer_type(const rapidjson::Value *pre_tokenizer, const std::string &file,
                                      const std::function<void(const std::string &)> &warn,
                                      bool allow_unknown = false);

} // namespace gmat
