// The SentencePiece-style half of hf_bpe_vocabulary (Llama-2 / Mistral
// tokenizer.json): llama.cpp's "llama" tokenizer replays BPE through token
// scores, so each merge result scores -(its rank) and every other token
// scores below all merges.
#include "tokenizer/hf_bpe_vocabulary.hpp"
#include "tokenizer/tokenizer_folder.hpp"

#include <regex>

namespace gmat {

namespace {

const std::string metaspace = "\xE2\x96\x81"; // U+2581

bool is_byte_token(const std::string &text) {
    static const std::regex byte_token("<0x[0-9A-Fa-f]{2}>");
    return text.size() == 6 && std::regex_match(text, byte_token);
}

bool string_member_is(const rapidjson::Value &object, const char *key, const std::string &expected) {
    const auto *value = find_member(object, key);
    return value && value->IsString() && std::string(value->GetString(), value->GetStringLength()) == expected;
}

// Whether the tokenizer puts U+2581 before the text: a Prepend("▁")
// normalizer (Llama-2) or a Metaspace pre-tokenizer whose prepend_scheme
// (or legacy add_prefix_space) says so (Mistral, newer Llama-2 exports).
bool adds_space_prefix(const HfTokenizerJson &tokenizer) {
    bool prefix = false;
    for_each_step(tokenizer.normalizer, [&](const rapidjson::Value &step) {
        prefix |= step_type(step) == "Prepend" && string_member_is(step, "prepend", metaspace);
    });
    for_each_step(tokenizer.pre_tokenizer, [&](const rapidjson::Value &step) {
        if (step_type(step) != "Metaspace") return;
        if (const auto *scheme = find_member(step, "prepend_scheme"); scheme && scheme->IsString())
            prefix |= std::string(scheme->GetString()) != "never";
        else if (const auto *legacy = find_member(step, "add_prefix_space"); legacy && legacy->IsBool())
            prefix |= legacy->GetBool();
        else prefix = true; // the Metaspace default
    });
    return prefix;
}

} // namespace

void finish_sentencepiece_style_vocabulary(Vocabulary &vocab, const HfTokenizerJson &tokenizer,
                                           const TokenIndex &index) {
    vocab.model = "llama";
    vocab.pre = "default";
    vocab.add_space_prefix = adds_space_prefix(tokenizer);
    const float unreachable = -static_cast<float>(tokenizer.merges.size()) - 1.0f;
    vocab.added_score = unreachable;
    vocab.scores.assign(vocab.size(), unreachable);
    for (const auto &[id, score] : merge_rank_scores(tokenizer.merges, index)) vocab.scores[id] = score;
    for (size_t id = 0; id < vocab.size(); ++id) {
        if (vocab.types[id] == TokenType::Unused) vocab.scores[id] = padding_token_score;
        else if (is_byte_token(vocab.tokens[id])) vocab.types[id] = TokenType::Byte;
    }
    if (auto unk = vocab.source_special_ids.find("unk"); unk != vocab.source_special_ids.end())
        vocab.types[unk->second] = TokenType::Unknown;
}

} // namespace gmat
