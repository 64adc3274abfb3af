#include "tokenizer/hf_tokenizer_json.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "tokenizer/tokenizer_folder.hpp"
#include "tokenizer/vocabulary.hpp"

namespace gmat {

namespace {

uint32_t token_id(const rapidjson::Value &value, const std::string &context) {
    return checked_token_id(json::require_uint(value, context), context);
}

std::vector<std::pair<std::string, uint32_t>> parse_vocab(const rapidjson::Value &model, const std::string &file) {
    const std::string context = file + ": model.vocab";
    const auto &vocab = json::require_object(json::require_member(model, "vocab", file + ": model"), context);
    std::vector<std::pair<std::string, uint32_t>> out;
    out.reserve(vocab.MemberCount());
    for (auto it = vocab.MemberBegin(); it != vocab.MemberEnd(); ++it) {
        std::string text(it->name.GetString(), it->name.GetStringLength());
        const uint32_t id = token_id(it->value, context + "[\"" + text + "\"]");
        out.emplace_back(std::move(text), id);
    }
    if (out.empty()) throw GmatError(context + ": the vocabulary is empty");
    return out;
}

// Merges are "left right" strings (one space) or, since transformers 4.45,
// ["left", "right"] pairs that may contain spaces.
HfBpeMerge parse_merge(const rapidjson::Value &entry, const std::string &context) {
    if (entry.IsString()) {
        const std::string text(entry.GetString(), entry.GetStringLength());
        const size_t space = text.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == text.size() ||
            text.find(' ', space + 1) != std::string::npos)
            throw GmatError(context + ": merge \"" + text + "\" is not two tokens separated by one space");
        return {text.substr(0, space), text.substr(space + 1)};
    }
    if (entry.IsArray() && entry.Size() == 2 && entry[0].IsString() && entry[1].IsString() &&
        entry[0].GetStringLength() > 0 && entry[1].GetStringLength() > 0)
        return {json::require_string(entry[0], context), json::require_string(entry[1], context)};
    throw GmatError(context + ": expected a \"left right\" string or a [\"left\", \"right\"] pair, found " +
                    json::type_name(entry));
}

std::vector<HfBpeMerge> parse_merges(const rapidjson::Value &model, const std::string &file) {
    const auto *merges = find_member(model, "merges");
    std::vector<HfBpeMerge> out;
    if (!merges || merges->IsNull()) return out;
    const auto &list = json::require_array(*merges, file + ": model.merges");
    out.reserve(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i)
        out.push_back(parse_merge(list[i], file + ": model.merges[" + std::to_string(i) + "]"));
    return out;
}

std::vector<HfAddedToken> parse_added_tokens(const rapidjson::Value &root, const std::string &file) {
    std::vector<HfAddedToken> out;
    const auto *added = find_member(root, "added_tokens");
    if (!added || added->IsNull()) return out;
    const auto &list = json::require_array(*added, file + ": added_tokens");
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
        const std::string context = file + ": added_tokens[" + std::to_string(i) + "]";
        const auto &entry = json::require_object(list[i], context);
        HfAddedToken token;
        token.id = token_id(json::require_member(entry, "id", context), context + ".id");
        token.content = json::require_string(json::require_member(entry, "content", context), context + ".content");
        const auto *special = find_member(entry, "special");
        token.special = special && json::require_bool(*special, context + ".special");
        if (token.content.empty()) throw GmatError(context + ".content: empty token text");
        out.push_back(std::move(token));
    }
    return out;
}

bool optional_bool(const rapidjson::Value &object, const char *key, const std::string &context) {
    const auto *value = find_member(object, key);
    return value && !value->IsNull() && json::require_bool(*value, context + "." + key);
}

const rapidjson::Value *section(const rapidjson::Value &root, const char *key) {
    const auto *value = find_member(root, key);
    return value && value->IsObject() ? value : nullptr;
}

} // namespace

std::string step_type(const rapidjson::Value &step) {
    const auto *type = find_member(step, "type");
    return type && type->IsString() ? std::string(type->GetString(), type->GetStringLength()) : std::string();
}

HfTokenizerJson parse_hf_tokenizer_json(const rapidjson::Value &root, const std::string &file) {
    HfTokenizerJson out;
    out.file = file;
    const auto &model = json::require_object(json::require_member(root, "model", file), file + ": model");
    const auto *type = find_member(model, "type");
    const std::string model_type = type ? json::require_string(*type, file + ": model.type") : "BPE";
    if (model_type != "BPE")
        throw GmatError(file + ": model.type is \"" + model_type +
                        "\"; only BPE tokenizers (byte-level or SentencePiece-style) are supported");
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const auto *affix = find_member(model, key);
        if (affix && !affix->IsNull() && !(affix->IsString() && affix->GetStringLength() == 0))
            throw GmatError(file + ": model." + key +
                            " is set; BPE with word affixes (WordPiece-style) is not supported");
    }
    out.vocab = parse_vocab(model, file);
    out.merges = parse_merges(model, file);
    out.byte_fallback = optional_bool(model, "byte_fallback", file + ": model");
    out.ignore_merges = optional_bool(model, "ignore_merges", file + ": model");
    if (const auto *unk = find_member(model, "unk_token"); unk && !unk->IsNull())
        out.unk_token = json::require_string(*unk, file + ": model.unk_token");
    out.added_tokens = parse_added_tokens(root, file);
    out.normalizer = section(root, "normalizer");
    out.pre_tokenizer = section(root, "pre_tokenizer");
    out.decoder = section(root, "decoder");
    out.post_processor = section(root, "post_processor");
    return out;
}

} // namespace gmat
