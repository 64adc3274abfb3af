#include "tokenizer/vocabulary.hpp"

#include "common/error.hpp"

#include <string_view>
#include <unordered_map>

namespace gmat {

namespace {

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF):
// GGUF strings are UTF-8 and llama.cpp decodes token texts as such.
bool is_valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        size_t length = 0;
        uint32_t cp = 0, min = 0;
        if (lead < 0x80) length = 1, cp = lead;
        else if ((lead & 0xe0) == 0xc0) length = 2, cp = lead & 0x1f, min = 0x80;
        else if ((lead & 0xf0) == 0xe0) length = 3, cp = lead & 0x0f, min = 0x800;
        else if ((lead & 0xf8) == 0xf0) length = 4, cp = lead & 0x07, min = 0x10000;
        else return false;
        if (length > text.size() - i) return false;
        for (size_t k = 1; k < length; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            if ((c & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += length;
    }
    return true;
}

std::string quoted(const std::string &text) { return "'" + text + "'"; }

} // namespace

std::string padding_token_text(size_t id) { return "[PAD" + std::to_string(id) + "]"; }

uint32_t checked_token_id(uint64_t id, const std::string &context) {
    if (id >= max_vocabulary_tokens)
        throw GmatError(context + ": token id " + std::to_string(id) + " is past the " +
                        std::to_string(max_vocabulary_tokens) + " tokens gmat accepts in a vocabulary");
    return static_cast<uint32_t>(id);
}

void Vocabulary::set_token(uint32_t id, std::string text, TokenType type, float score) {
    // Readers check ids as they parse them; this guards other callers without
    // building a message for each of a vocabulary's tokens.
    if (id >= max_vocabulary_tokens) checked_token_id(id, source + ": token " + quoted(text)); // throws
    if (id >= tokens.size()) pad_to(size_t(id) + 1);
    tokens[id] = std::move(text);
    types[id] = type;
    if (has_scores()) scores[id] = score;
}

void Vocabulary::pad_to(size_t count) {
    const bool with_scores = has_scores();
    for (size_t id = tokens.size(); id < count; ++id) {
        tokens.push_back(padding_token_text(id));
        types.push_back(TokenType::Unused);
        if (with_scores) scores.push_back(padding_token_score);
    }
}

std::optional<uint32_t> Vocabulary::find(const std::string &text) const {
    for (size_t id = 0; id < tokens.size(); ++id)
        if (tokens[id] == text) return static_cast<uint32_t>(id);
    return std::nullopt;
}

void Vocabulary::validate() const {
    if (tokens.empty()) throw GmatError(source + ": the vocabulary is empty");
    if (types.size() != tokens.size() || (has_scores() && scores.size() != tokens.size()))
        throw GmatError(source + ": internal error: token, type and score counts differ");
    std::unordered_map<std::string_view, size_t> first_id;
    first_id.reserve(tokens.size());
    for (size_t id = 0; id < tokens.size(); ++id) {
        const std::string &text = tokens[id];
        if (text.empty()) throw GmatError(source + ": token " + std::to_string(id) + " has empty text");
        if (!is_valid_utf8(text)) throw GmatError(source + ": token " + std::to_string(id) + " is not valid UTF-8");
        // llama.cpp reads token texts as C strings: "a\0b" would become "a".
        if (text.find('\0') != std::string::npos)
            throw GmatError(source + ": token " + std::to_string(id) +
                            " contains a NUL byte, which llama.cpp cannot load");
        const auto [it, inserted] = first_id.emplace(text, id);
        if (!inserted)
            throw GmatError(source + ": token text " + quoted(text) + " appears at ids " + std::to_string(it->second) +
                            " and " + std::to_string(id) + "; llama.cpp needs every token text to be unique");
    }
}

} // namespace gmat
