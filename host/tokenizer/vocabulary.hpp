// A tokenizer as GGUF stores it: token texts indexed by id, their types and
// (for SentencePiece-style vocabularies) scores, BPE merges, and the few
// settings the tokenizer source itself defines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

// GGUF / llama.cpp token types (gguf-py's TokenType).
enum class TokenType : int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

// Score convert_hf_to_gguf.py gives added tokens and padding.
constexpr float added_token_score = -1000.0f;
constexpr float padding_token_score = -10000.0f;

// The most tokens a vocabulary may reach through token ids (the largest real
// ones hold about 262k). Ids come from files: without a bound, one id of
// 4,000,000,000 in a 1 KB tokenizer.json would pad billions of tokens.
constexpr uint32_t max_vocabulary_tokens = uint32_t(1) << 22;

struct Vocabulary {
    std::string model; // tokenizer.ggml.model: "llama" (SentencePiece) or "gpt2" (byte-level BPE)
    std::string pre;   // tokenizer.ggml.pre
    std::vector<std::string> tokens;
    std::vector<TokenType> types;
    std::vector<float> scores;       // empty when the model has none (gpt2)
    std::vector<std::string> merges; // "left right", in rank order; gpt2 only
    // Score given to added tokens (scored vocabularies only).
    float added_score = added_token_score;
    std::optional<bool> add_space_prefix;
    std::optional<bool> normalizer_lowercase, normalizer_strip_accents;
    // Special ids the tokenizer source itself names (SentencePiece
    // trainer_spec, tokenizer.json's unk_token), keyed by role ("unk", "bos").
    std::map<std::string, uint32_t> source_special_ids;
    // Whether tokenizer_config.json / special_tokens_map.json "<role>_token"
    // texts are looked up in the vocabulary. False for tiktoken sources:
    // gguf-py's SpecialVocab finds those texts only among tokenizer.json's
    // added tokens, so for Kimi K2 the converter takes config.json's ids.
    bool special_tokens_by_text = true;
    // Where the vocabulary came from, for messages ("tokenizer.model").
    std::string source;

    size_t size() const { return tokens.size(); }
    bool has_scores() const { return !scores.empty(); }

    // Sets token id (growing the vocabulary with "[PAD{i}]" UNUSED tokens when
    // id is past the end); score is ignored when the vocabulary has no scores.
    // Throws for an id at or past max_vocabulary_tokens.
    void set_token(uint32_t id, std::string text, TokenType type, float score);
    // Appends "[PAD{i}]" UNUSED tokens until size() == count.
    void pad_to(size_t count);
    // Id of the token whose text is exactly text, if any (a linear scan: for
    // the handful of special-token look-ups, not per merge).
    std::optional<uint32_t> find(const std::string &text) const;
    // Throws unless every token text is unique, non-empty valid UTF-8 and the
    // parallel arrays agree: llama.cpp aborts on duplicate texts.
    void validate() const;
};

std::string padding_token_text(size_t id);

// id as a token id; throws "<context>: token id N is past the ... tokens gmat
// accepts in a vocabulary" at or past max_vocabulary_tokens.
uint32_t checked_token_id(uint64_t id, const std::string &context);

} // namespace gmat
