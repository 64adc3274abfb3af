// What the exporter tells the tokenizer converter beyond the model folder.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace gmat {

struct TokenizerOptions {
    // Pads the vocabulary with "[PAD{id}]" tokens of type UNUSED up to this many
    // tokens (config.json vocab_size: the embedding's row count). 0 = no padding.
    // A tokenizer with more tokens than this is an error, except for added
    // tokens past the end, which are dropped with a warning as
    // convert_hf_to_gguf.py drops them.
    uint32_t vocab_size = 0;

    // Explicit ids that win over everything found in the folder, keyed by
    // role: bos, eos, unk, sep, pad, cls, mask, eot, eom, fim_pre, fim_suf,
    // fim_mid, fim_pad, fim_rep, fim_sep (the export config's
    // "special_token_keys"). Each must be a valid token id.
    std::map<std::string, int64_t> special_token_ids;

    // A byte-level BPE pre_tokenizer llama.cpp does not know is an error
    // (as llama.cpp's converter refuses it) unless this is set; then it is a
    // warning and the closest known type is written.
    bool allow_unknown_pre_tokenizer = false;

    // Receives each lossy or guessed decision (unrecognised pre-tokenizer,
    // dropped token, ...). Empty: the warning goes to stderr.
    std::function<void(const std::string &)> warn;
};

} // namespace gmat
