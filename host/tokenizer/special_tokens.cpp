#include "tokenizer/special_tokens.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "tokenizer/post_processor_template.hpp"

#include <optional>

namespace gmat {

namespace {

using Warn = std::function<void(const std::string &)>;

// "<role>_token" in a tokenizer_config.json-shaped file: a string, or an
// AddedToken object {"content": ...}; null or absent means not given.
std::optional<std::string> configured_token_text(const TokenizerFolder &folder, const std::string &file,
                                                 const std::string &role) {
    const auto *root = folder.json(file);
    const std::string key = role + "_token";
    const auto *entry = root ? find_member(*root, key.c_str()) : nullptr;
    if (!entry || entry->IsNull()) return std::nullopt;
    const std::string context = folder.describe(file) + ": " + key;
    if (entry->IsString()) return json::require_string(*entry, context);
    if (entry->IsObject())
        return json::require_string(json::require_member(*entry, "content", context), context + ".content");
    throw GmatError(context + ": expected a token string or {\"content\": ...}, found " + json::type_name(*entry));
}

// "<role>_token_id" in config.json-shaped files (also under text_config).
std::optional<int64_t> configured_token_id(const TokenizerFolder &folder, const std::string &file,
                                           const std::string &role, const Warn &warn) {
    const auto *root = folder.json(file);
    if (!root) return std::nullopt;
    const std::string key = role + "_token_id";
    const auto *entry = find_member(*root, key.c_str());
    if (!entry || entry->IsNull())
        if (const auto *text_config = find_member(*root, "text_config")) entry = find_member(*text_config, key.c_str());
    if (!entry || entry->IsNull() || entry->IsArray()) return std::nullopt;
    const std::string context = folder.describe(file) + ": " + key;
    if (!entry->IsInt64())
        throw GmatError(context + ": expected an integer token id, found " + json::type_name(*entry));
    if (entry->GetInt64() < 0) {
        warn(context + " = " + std::to_string(entry->GetInt64()) + " is negative; ignoring it");
        return std::nullopt;
    }
    return entry->GetInt64();
}

std::optional<bool> configured_flag(const TokenizerFolder &folder, const std::string &role) {
    const auto *root = folder.json("tokenizer_config.json");
    const std::string key = "add_" + role + "_token";
    const auto *entry = root ? find_member(*root, key.c_str()) : nullptr;
    if (!entry || entry->IsNull()) return std::nullopt;
    return json::require_bool(*entry, folder.describe("tokenizer_config.json") + ": " + key);
}

// Text of a role named by tokenizer_config.json, else special_tokens_map.json.
std::optional<std::string> named_token_text(const TokenizerFolder &folder, const std::string &role) {
    if (auto text = configured_token_text(folder, "tokenizer_config.json", role)) return text;
    return configured_token_text(folder, "special_tokens_map.json", role);
}

class RoleResolver {
public:
    RoleResolver(const TokenizerFolder &folder, const Vocabulary &vocab, const PostProcessorTemplate &tmpl,
                 const Warn &warn)
        : folder_(folder), vocab_(vocab), template_(tmpl), warn_(warn) {}

    std::optional<uint32_t> resolve(const std::string &role) const {
        std::optional<std::string> text =
            vocab_.special_tokens_by_text ? named_token_text(folder_, role) : std::nullopt;
        if (!text && role == "bos") text = template_.leading;
        if (!text && role == "eos") text = template_.trailing;
        if (text) {
            if (auto id = vocab_.find(*text)) return id;
            warn_(vocab_.source + ": " + role + " token \"" + *text + "\" is not in the vocabulary; ignoring it");
        }
        for (const char *file : {"config.json", "generation_config.json"})
            if (auto id = in_range(configured_token_id(folder_, file, role, warn_), file, role)) return id;
        auto source = vocab_.source_special_ids.find(role);
        if (source != vocab_.source_special_ids.end()) return source->second;
        return std::nullopt;
    }

private:
    std::optional<uint32_t> in_range(std::optional<int64_t> id, const char *file, const std::string &role) const {
        if (!id) return std::nullopt;
        if (static_cast<uint64_t>(*id) < vocab_.size()) return static_cast<uint32_t>(*id);
        warn_(folder_.describe(file) + ": " + role + "_token_id " + std::to_string(*id) + " is past the vocabulary (" +
              std::to_string(vocab_.size()) + " tokens); ignoring it");
        return std::nullopt;
    }

    const TokenizerFolder &folder_;
    const Vocabulary &vocab_;
    const PostProcessorTemplate &template_;
    const Warn &warn_;
};

uint32_t option_id(const std::string &role, int64_t id, const Vocabulary &vocab) {
    bool known = false;
    std::string roles;
    for (const auto &r : special_token_roles()) {
        known |= role == r.name;
        roles += (roles.empty() ? "" : ", ") + std::string(r.name);
    }
    if (!known) throw GmatError("special_token_ids: unknown role \"" + role + "\" (known: " + roles + ")");
    if (id < 0 || static_cast<uint64_t>(id) >= vocab.size())
        throw GmatError("special_token_ids: " + role + " = " + std::to_string(id) +
                        " is not a token id (vocabulary has " + std::to_string(vocab.size()) + " tokens)");
    return static_cast<uint32_t>(id);
}

// add_bos / add_eos / add_sep when tokenizer_config.json does not say.
void flags_from_template(const TokenizerFolder &folder, const PostProcessorTemplate &tmpl, SpecialTokens &out,
                         const Warn &warn) {
    if (tmpl.roberta)
        for (const char *role : {"bos", "eos", "sep"}) out.add.try_emplace(role, true);
    if (tmpl.leading) {
        const auto bos = named_token_text(folder, "bos"), cls = named_token_text(folder, "cls");
        out.add.try_emplace("bos", !bos || *tmpl.leading == *bos || (cls && *tmpl.leading == *cls));
    }
    if (tmpl.trailing) {
        const auto eos = named_token_text(folder, "eos");
        if (!eos || *tmpl.trailing == *eos)
            out.add.try_emplace("eos", true);
        else if (!out.add.contains("eos"))
            warn("tokenizer.json: post_processor appends \"" + *tmpl.trailing + "\", which is not the eos token \"" +
                 *eos + "\"; add_eos_token left unset");
    }
}

} // namespace

std::string special_token_key(const std::string &role) {
    for (const auto &r : special_token_roles())
        if (role == r.name) return r.gguf_key;
    throw GmatError("no special token role \"" + role + "\"");
}

const std::vector<SpecialTokenRole> &special_token_roles() {
    static const std::vector<SpecialTokenRole> roles = {
        {"bos", "tokenizer.ggml.bos_token_id"},         {"eos", "tokenizer.ggml.eos_token_id"},
        {"eot", "tokenizer.ggml.eot_token_id"},         {"eom", "tokenizer.ggml.eom_token_id"},
        {"unk", "tokenizer.ggml.unknown_token_id"},     {"sep", "tokenizer.ggml.seperator_token_id"},
        {"pad", "tokenizer.ggml.padding_token_id"},     {"cls", "tokenizer.ggml.cls_token_id"},
        {"mask", "tokenizer.ggml.mask_token_id"},       {"fim_pre", "tokenizer.ggml.fim_pre_token_id"},
        {"fim_suf", "tokenizer.ggml.fim_suf_token_id"}, {"fim_mid", "tokenizer.ggml.fim_mid_token_id"},
        {"fim_pad", "tokenizer.ggml.fim_pad_token_id"}, {"fim_rep", "tokenizer.ggml.fim_rep_token_id"},
        {"fim_sep", "tokenizer.ggml.fim_sep_token_id"},
    };
    return roles;
}

SpecialTokens resolve_special_tokens(const TokenizerFolder &folder, const Vocabulary &vocab,
                                     const TokenizerOptions &options, const Warn &warn) {
    SpecialTokens out;
    const auto *tokenizer_json = folder.json("tokenizer.json");
    const PostProcessorTemplate tmpl =
        read_post_processor_template(tokenizer_json ? find_member(*tokenizer_json, "post_processor") : nullptr);
    for (const auto &[role, id] : options.special_token_ids) out.ids[role] = option_id(role, id, vocab);
    const RoleResolver resolver(folder, vocab, tmpl, warn);
    for (const auto &role : special_token_roles())
        if (!out.ids.contains(role.name))
            if (auto id = resolver.resolve(role.name)) out.ids[role.name] = *id;

    for (const char *role : {"bos", "eos", "sep"})
        if (auto flag = configured_flag(folder, role)) out.add[role] = *flag;
    flags_from_template(folder, tmpl, out, warn);
    for (const char *role : {"bos", "eos", "sep"})
        if (out.add.contains(role) && out.add[role] && !out.ids.contains(role))
            warn(std::string("add_") + role + "_token is true but no " + role +
                 " token id is known; llama.cpp will use its default id");
    return out;
}

} // namespace gmat
