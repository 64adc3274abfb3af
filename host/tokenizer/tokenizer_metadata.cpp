#include "tokenizer/tokenizer_metadata.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "tokenizer/added_tokens.hpp"
#include "tokenizer/chat_template.hpp"
#include "tokenizer/hf_bpe_vocabulary.hpp"
#include "tokenizer/sentencepiece_vocabulary.hpp"
#include "tokenizer/special_tokens.hpp"
#include "tokenizer/tiktoken_vocabulary.hpp"
#include "tokenizer/tokenizer_folder.hpp"

#include <fstream>
#include <iostream>
#include <optional>

namespace gmat {

namespace {

struct BaseVocabulary {
    Vocabulary vocab;
    std::optional<HfTokenizerJson> tokenizer_json; // when the vocabulary came from tokenizer.json
    // tiktoken vocabularies hold their special tokens already, as the
    // converter names them; the added-token files do not apply.
    bool takes_added_tokens = true;
};

// A SentencePiece ModelProto starts with field 1 (pieces) as bytes: 0x0A. Llama-3's
// original/tokenizer.model is tiktoken text instead, which only tokenizer.json describes.
bool looks_like_sentencepiece(const TokenizerFolder &folder) {
    std::ifstream in(folder.path("tokenizer.model"), std::ios::binary);
    char first = 0;
    return in.get(first) && first == 0x0A;
}

// vocab_size: config.json's (0 = unknown); tokenizer.json ids at or past it are refused.
BaseVocabulary load_base_vocabulary(const TokenizerFolder &folder, uint32_t vocab_size, const WarningSink &warn,
                                    bool allow_unknown_pre_tokenizer) {
    const bool has_model = folder.has("tokenizer.model"), has_json = folder.has("tokenizer.json");
    if (has_model && (!has_json || looks_like_sentencepiece(folder))) {
        const std::string file = folder.describe("tokenizer.model");
        return {sentencepiece_vocabulary(read_sentencepiece_model(folder.path("tokenizer.model")), file, warn),
                std::nullopt};
    }
    if (has_json) {
        if (has_model) warn(folder.describe("tokenizer.model") + " is not a SentencePiece model; using tokenizer.json");
        HfTokenizerJson parsed =
            parse_hf_tokenizer_json(*folder.json("tokenizer.json"), folder.describe("tokenizer.json"));
        Vocabulary vocab = hf_bpe_vocabulary(parsed, vocab_size, warn, allow_unknown_pre_tokenizer);
        return {std::move(vocab), std::move(parsed)};
    }
    if (folder.has("tiktoken.model")) return {tiktoken_vocabulary(folder, vocab_size, warn), std::nullopt, false};
    std::string hint;
    if (folder.has("vocab.json")) hint = " (vocab.json + merges.txt slow tokenizers are not supported)";
    throw GmatError(folder.dir().string() +
                    ": no tokenizer found: expected tokenizer.model (SentencePiece), "
                    "tokenizer.json (HF tokenizers) or tiktoken.model (Kimi)" +
                    hint);
}

// tokenizer_config.json add_prefix_space wins over the tokenizer's own
// setting, as convert_hf_to_gguf.py writes it for the llama family.
std::optional<bool> add_space_prefix(const TokenizerFolder &folder, const Vocabulary &vocab) {
    if (const auto *config = folder.json("tokenizer_config.json"))
        if (const auto *flag = find_member(*config, "add_prefix_space"); flag && !flag->IsNull())
            return json::require_bool(*flag, folder.describe("tokenizer_config.json") + ": add_prefix_space");
    return vocab.add_space_prefix;
}

void fit_to_vocab_size(Vocabulary &vocab, uint32_t vocab_size) {
    if (vocab_size == 0) return;
    if (vocab.size() > vocab_size)
        throw GmatError(vocab.source + ": the tokenizer has " + std::to_string(vocab.size()) +
                        " tokens but vocab_size (the embedding's rows) is " + std::to_string(vocab_size) +
                        "; ids past it would have no embedding");
    vocab.pad_to(vocab_size);
}

std::vector<int32_t> type_values(const Vocabulary &vocab) {
    std::vector<int32_t> out;
    out.reserve(vocab.types.size());
    for (TokenType type : vocab.types) out.push_back(static_cast<int32_t>(type));
    return out;
}

void write_vocabulary(const Vocabulary &vocab, std::optional<bool> space_prefix, Metadata &out) {
    out.set("tokenizer.ggml.model", vocab.model);
    out.set("tokenizer.ggml.pre", vocab.pre);
    out.set("tokenizer.ggml.tokens", vocab.tokens);
    if (vocab.has_scores()) out.set("tokenizer.ggml.scores", vocab.scores);
    out.set("tokenizer.ggml.token_type", type_values(vocab));
    if (!vocab.merges.empty()) out.set("tokenizer.ggml.merges", vocab.merges);
    if (space_prefix) out.set("tokenizer.ggml.add_space_prefix", *space_prefix);
    if (vocab.normalizer_lowercase) out.set("tokenizer.ggml.normalizer.lowercase", *vocab.normalizer_lowercase);
    if (vocab.normalizer_strip_accents)
        out.set("tokenizer.ggml.normalizer.strip_accents", *vocab.normalizer_strip_accents);
}

void write_special_tokens(const SpecialTokens &special, Metadata &out) {
    for (const auto &role : special_token_roles())
        if (auto id = special.ids.find(role.name); id != special.ids.end()) out.set(role.gguf_key, id->second);
    for (const char *role : {"bos", "eos", "sep"})
        if (auto flag = special.add.find(role); flag != special.add.end())
            out.set(std::string("tokenizer.ggml.add_") + role + "_token", flag->second);
}

void erase_tokenizer_keys(Metadata &out) {
    std::vector<std::string> keys;
    for (const auto &entry : out.entries())
        if (entry.first.rfind("tokenizer.", 0) == 0) keys.push_back(entry.first);
    for (const auto &key : keys) out.erase(key);
}

} // namespace

void append_tokenizer_metadata(const std::filesystem::path &model_dir, const TokenizerOptions &options, Metadata &out) {
    const WarningSink warn = options.warn ? options.warn : [](const std::string &message) {
        std::cerr << "gmat: warning: " << message << "\n";
    };
    const TokenizerFolder folder(model_dir);
    BaseVocabulary base = load_base_vocabulary(folder, options.vocab_size, warn, options.allow_unknown_pre_tokenizer);
    Vocabulary &vocab = base.vocab;
    const HfTokenizerJson *tokenizer_json = base.tokenizer_json ? &*base.tokenizer_json : nullptr;
    if (base.takes_added_tokens)
        apply_added_tokens(vocab, collect_added_tokens(folder, tokenizer_json), options.vocab_size, warn);
    fit_to_vocab_size(vocab, options.vocab_size);
    vocab.validate();
    const SpecialTokens special = resolve_special_tokens(folder, vocab, options, warn);

    // Everything is gathered before out changes, so a failure leaves it untouched.
    Metadata keys;
    write_vocabulary(vocab, add_space_prefix(folder, vocab), keys);
    write_special_tokens(special, keys);
    append_chat_templates(folder, keys);
    erase_tokenizer_keys(out);
    for (const auto &[key, value] : keys.entries()) out.set(key, value);
}

} // namespace gmat
