// Tokens added on top of the base vocabulary (tokenizer.json added_tokens,
// added_tokens.json, tokenizer_config.json added_tokens_decoder) and the types
// convert_hf_to_gguf.py gives them: CONTROL when special or special-looking,
// else USER_DEFINED with U+2581 turned back into a space, because llama.cpp
// matches user-defined tokens against raw text.
#pragma once

#include "tokenizer/hf_tokenizer_json.hpp"
#include "tokenizer/tokenizer_folder.hpp"
#include "tokenizer/vocabulary.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

struct AddedToken {
    uint32_t id;
    std::string content;
    std::optional<bool> special; // unknown for added_tokens.json
    std::string origin;          // "tokenizer_config.json: added_tokens_decoder[\"5\"]", for messages
};

// convert_hf_to_gguf.py's does_token_look_special: <|...|>, <｜...｜>,
// <unused...>, and a few names models forget to mark special.
bool looks_special(const std::string &text);

// Added tokens in the order they apply (later ones win for the same id):
// tokenizer.json's (when given), then added_tokens.json, then
// tokenizer_config.json's added_tokens_decoder.
std::vector<AddedToken> collect_added_tokens(const TokenizerFolder &folder, const HfTokenizerJson *tokenizer_json);

// tokenizer_config.json's added_tokens_decoder alone, in file order (empty
// when absent).
std::vector<AddedToken> added_tokens_decoder(const TokenizerFolder &folder);

// Writes each token into vocab (growing it with padding when the id is past
// the end). Tokens with id >= id_limit (when non-zero) are dropped with a
// warning, as convert_hf_to_gguf.py drops them. An UNKNOWN token keeps its type.
void apply_added_tokens(Vocabulary &vocab, const std::vector<AddedToken> &tokens, uint32_t id_limit,
                        const std::function<void(const std::string &)> &warn);

} // namespace gmat
