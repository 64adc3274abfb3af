// Special token ids (bos, eos, unk, ...) and the add_bos / add_eos / add_sep
// flags, gathered from the folder's configuration files.
//
// An id for a role comes from the first of these that gives a valid one:
//   1. TokenizerOptions::special_token_ids (the export config);
//   2. tokenizer_config.json "<role>_token" (a string or {"content": ...}),
//      looked up by text in the final vocabulary (not for tiktoken sources:
//      Vocabulary::special_tokens_by_text);
//   3. special_tokens_map.json "<role>_token", likewise;
//   4. tokenizer.json's post_processor template (bos = leading special token,
//      eos = trailing one), when 2 and 3 name no text for the role;
//   5. config.json "<role>_token_id" (or text_config.<role>_token_id);
//   6. generation_config.json "<role>_token_id";
//   7. the tokenizer source itself (SentencePiece trainer_spec ids,
//      tokenizer.json model.unk_token).
// Steps 2 and 5 are gguf-py SpecialVocab's order; 3, 4, 6 and 7 fill what it
// leaves to llama.cpp's per-model defaults. Integer lists (generation_config's
// several eos ids) are skipped, as SpecialVocab skips them.
//
// add_<bos|eos|sep>_token comes from tokenizer_config.json, else from the
// post_processor (a leading special token that is the bos token -> add_bos,
// a trailing one that is the eos token -> add_eos; RobertaProcessing -> all
// three); otherwise it is left unset so llama.cpp's default applies.
#pragma once

#include "tokenizer/tokenizer_folder.hpp"
#include "tokenizer/tokenizer_options.hpp"
#include "tokenizer/vocabulary.hpp"

#include <map>
#include <string>
#include <vector>

namespace gmat {

struct SpecialTokenRole {
    const char *name;     // "bos"
    const char *gguf_key; // "tokenizer.ggml.bos_token_id"
};

// Every role TokenizerOptions::special_token_ids accepts, in GGUF key order.
const std::vector<SpecialTokenRole> &special_token_roles();
// The GGUF key of a role ("unk" -> "tokenizer.ggml.unknown_token_id"); throws for an unknown role.
std::string special_token_key(const std::string &role);

struct SpecialTokens {
    std::map<std::string, uint32_t> ids; // role -> token id
    std::map<std::string, bool> add;     // "bos" / "eos" / "sep" -> add_<x>_token
};

// The post_processor is read from tokenizer.json whenever the folder has one,
// also when the vocabulary came from tokenizer.model (as gguf-py does).
SpecialTokens resolve_special_tokens(const TokenizerFolder &folder, const Vocabulary &vocab,
                                     const TokenizerOptions &options,
                                     const std::function<void(const std::string &)> &warn);

} // namespace gmat
