#include "tokenizer/added_tokens.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <charconv>

namespace gmat {

namespace {

bool starts_with(const std::string &text, const std::string &prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string &text, const std::string &suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// added_tokens.json: {"<content>": id, ...}, written by slow HF tokenizers.
void collect_added_tokens_json(const TokenizerFolder &folder, std::vector<AddedToken> &out) {
    const auto *root = folder.json("added_tokens.json");
    if (!root) return;
    const std::string file = folder.describe("added_tokens.json");
    for (auto it = root->MemberBegin(); it != root->MemberEnd(); ++it) {
        std::string content(it->name.GetString(), it->name.GetStringLength());
        const std::string context = file + ": \"" + content + "\"";
        const uint32_t id = checked_token_id(json::require_uint(it->value, context), context);
        if (content.empty()) throw GmatError(file + ": empty token text");
        out.push_back({id, std::move(content), std::nullopt, context});
    }
}

// tokenizer_config.json: "added_tokens_decoder": {"<id>": {"content": ..., "special": ...}}.
void collect_added_tokens_decoder(const TokenizerFolder &folder, std::vector<AddedToken> &out) {
    const auto *root = folder.json("tokenizer_config.json");
    const auto *decoder = root ? find_member(*root, "added_tokens_decoder") : nullptr;
    if (!decoder || decoder->IsNull()) return;
    const std::string file = folder.describe("tokenizer_config.json");
    json::require_object(*decoder, file + ": added_tokens_decoder");
    for (auto it = decoder->MemberBegin(); it != decoder->MemberEnd(); ++it) {
        const std::string key(it->name.GetString(), it->name.GetStringLength());
        const std::string context = file + ": added_tokens_decoder[\"" + key + "\"]";
        uint64_t id = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
        if (error != std::errc() || end != key.data() + key.size())
            throw GmatError(context + ": key is not a token id");
        const auto &entry = json::require_object(it->value, context);
        std::string content =
            json::require_string(json::require_member(entry, "content", context), context + ".content");
        if (content.empty()) throw GmatError(context + ".content: empty token text");
        const auto *special = find_member(entry, "special");
        std::optional<bool> is_special;
        if (special && !special->IsNull()) is_special = json::require_bool(*special, context + ".special");
        out.push_back({checked_token_id(id, context), std::move(content), is_special, context});
    }
}

std::string replace_metaspace_with_space(std::string text) {
    const std::string metaspace = "\xE2\x96\x81";
    for (size_t at = text.find(metaspace); at != std::string::npos; at = text.find(metaspace, at + 1))
        text.replace(at, metaspace.size(), " ");
    return text;
}

} // namespace

std::vector<AddedToken> added_tokens_decoder(const TokenizerFolder &folder) {
    std::vector<AddedToken> out;
    collect_added_tokens_decoder(folder, out);
    return out;
}

bool looks_special(const std::string &text) {
    if (text == "<pad>" || text == "<mask>" || text == "<2mass>" || text == "[@BOS@]") return true;
    if (starts_with(text, "<|") && ends_with(text, "|>")) return true;
    if (starts_with(text, "<\xEF\xBD\x9C") && ends_with(text, "\xEF\xBD\x9C>")) return true; // <｜...｜>
    return starts_with(text, "<unused") && ends_with(text, ">");
}

std::vector<AddedToken> collect_added_tokens(const TokenizerFolder &folder, const HfTokenizerJson *tokenizer_json) {
    std::vector<AddedToken> out;
    if (tokenizer_json)
        for (size_t i = 0; i < tokenizer_json->added_tokens.size(); ++i) {
            const HfAddedToken &token = tokenizer_json->added_tokens[i];
            out.push_back({token.id, token.content, token.special,
                           tokenizer_json->file + ": added_tokens[" + std::to_string(i) + "]"});
        }
    collect_added_tokens_json(folder, out);
    collect_added_tokens_decoder(folder, out);
    return out;
}

void apply_added_tokens(Vocabulary &vocab, const std::vector<AddedToken> &tokens, uint32_t id_limit,
                        const std::function<void(const std::string &)> &warn) {
    for (const AddedToken &token : tokens) {
        if (id_limit != 0 && token.id >= id_limit) {
            warn(token.origin + ": dropping added token \"" + token.content + "\" with id " + std::to_string(token.id) +
                 ", past vocab_size " + std::to_string(id_limit));
            continue;
        }
        const bool control = token.special.value_or(false) || looks_special(token.content);
        std::string text = control ? token.content : replace_metaspace_with_space(token.content);
        TokenType type = control ? TokenType::Control : TokenType::UserDefined;
        if (token.id < vocab.size()) {
            if (vocab.types[token.id] == TokenType::Unknown) type = TokenType::Unknown;
            if (vocab.types[token.id] != TokenType::Unused && vocab.tokens[token.id] != text &&
                vocab.tokens[token.id] != token.content)
                warn(token.origin + ": replacing token " + std::to_string(token.id) + " \"" + vocab.tokens[token.id] +
                     "\" with \"" + text + "\"");
        }
        vocab.set_token(token.id, std::move(text), type, vocab.added_score);
    }
}

} // namespace gmat
