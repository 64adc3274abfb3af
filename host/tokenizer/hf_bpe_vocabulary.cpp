#include "tokenizer/hf_bpe_vocabulary.hpp"

#include "common/error.hpp"
#include "tokenizer/tokenizer_folder.hpp"

namespace gmat {

namespace {

const std::string metaspace = "\xE2\x96\x81"; // U+2581, SentencePiece's space

bool has_step(const rapidjson::Value *section, const std::string &type) {
    bool found = false;
    for_each_step(section, [&](const rapidjson::Value &step) { found |= step_type(step) == type; });
    return found;
}

// A Replace step whose pattern or content involves U+2581 (" " -> "▁" in a
// normalizer, "▁" -> " " in a decoder).
bool replaces_metaspace(const rapidjson::Value *section) {
    bool found = false;
    for_each_step(section, [&](const rapidjson::Value &step) {
        if (step_type(step) != "Replace") return;
        const auto *pattern = find_member(step, "pattern");
        const auto *literal = pattern ? find_member(*pattern, "String") : nullptr;
        const auto *content = find_member(step, "content");
        for (const auto *text : {literal, content})
            found |= text && text->IsString() && std::string(text->GetString()) == metaspace;
    });
    return found;
}

// Builds the id-indexed table of model.vocab; a gap becomes "[PAD{id}]".
TokenIndex fill_base_table(Vocabulary &vocab, const HfTokenizerJson &tokenizer, uint32_t vocab_size) {
    TokenIndex index;
    index.reserve(tokenizer.vocab.size());
    std::vector<bool> taken;
    for (const auto &[text, id] : tokenizer.vocab) {
        if (vocab_size != 0 && id >= vocab_size)
            throw GmatError(tokenizer.file + ": model.vocab gives id " + std::to_string(id) + " to \"" + text +
                            "\", past vocab_size " + std::to_string(vocab_size) +
                            " (the embedding's rows); it would have no embedding");
        if (id < taken.size() && taken[id])
            throw GmatError(tokenizer.file + ": model.vocab gives id " + std::to_string(id) + " to both \"" +
                            vocab.tokens[id] + "\" and \"" + text + "\"");
        vocab.set_token(id, text, TokenType::Normal, 0.0f);
        if (id >= taken.size()) taken.resize(size_t(id) + 1, false);
        taken[id] = true;
        index.emplace(text, id);
    }
    return index;
}

// Lowercase / StripAccents / BertNormalizer flags, read as gguf-py does.
void read_normalizer_flags(const HfTokenizerJson &tokenizer, Vocabulary &vocab) {
    for_each_step(tokenizer.normalizer, [&](const rapidjson::Value &step) {
        const std::string type = step_type(step);
        if (type == "Lowercase") vocab.normalizer_lowercase = true;
        if (type == "StripAccents") vocab.normalizer_strip_accents = true;
        if (type != "BertNormalizer") return;
        if (const auto *lower = find_member(step, "lowercase"); lower && lower->IsBool())
            vocab.normalizer_lowercase = lower->GetBool();
        if (const auto *strip = find_member(step, "strip_accents"); strip && strip->IsBool())
            vocab.normalizer_strip_accents = strip->GetBool();
    });
}

} // namespace

HfBpeFlavour hf_bpe_flavour(const HfTokenizerJson &tokenizer) {
    if (tokenizer.byte_fallback) return HfBpeFlavour::SentencePieceStyle;
    if (has_step(tokenizer.pre_tokenizer, "ByteLevel") || has_step(tokenizer.decoder, "ByteLevel"))
        return HfBpeFlavour::ByteLevel;
    if (has_step(tokenizer.pre_tokenizer, "Metaspace") || has_step(tokenizer.decoder, "Metaspace") ||
        replaces_metaspace(tokenizer.normalizer) || replaces_metaspace(tokenizer.decoder))
        return HfBpeFlavour::SentencePieceStyle;
    throw GmatError(tokenizer.file +
                    ": BPE model is neither byte-level (no ByteLevel pre_tokenizer or decoder) nor "
                    "SentencePiece-style (no byte_fallback, Metaspace or U+2581 Replace); cannot map it to a "
                    "llama.cpp tokenizer");
}

Vocabulary hf_bpe_vocabulary(const HfTokenizerJson &tokenizer, uint32_t vocab_size, const WarningSink &warn,
                             bool allow_unknown_pre_tokenizer) {
    const HfBpeFlavour flavour = hf_bpe_flavour(tokenizer);
    Vocabulary vocab;
    vocab.source = tokenizer.file;
    const TokenIndex index = fill_base_table(vocab, tokenizer, vocab_size);
    check_merges(tokenizer.merges, index, tokenizer.file);
    // An unk_token outside model.vocab (only in added_tokens) is found later by
    // its text through tokenizer_config.json, as HF resolves it.
    if (tokenizer.unk_token)
        if (auto unk = index.find(*tokenizer.unk_token); unk != index.end())
            vocab.source_special_ids["unk"] = unk->second;
    read_normalizer_flags(tokenizer, vocab);
    if (flavour == HfBpeFlavour::ByteLevel) finish_byte_level_vocabulary(vocab, tokenizer, warn, allow_unknown_pre_tokenizer);
    else finish_sentencepiece_style_vocabulary(vocab, tokenizer, index);
    return vocab;
}

} // namespace gmat
