#include "pipeline/tensor_types.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "quant_mix/block_type.hpp"
#include "quant_mix/converter_float_type.hpp"
#include "quant_mix/mix.hpp"
#include "quant_mix/mix_names.hpp"
#include "quant_mix/resolve_mix.hpp"
#include "quant_mix/row_fallback.hpp"

#include <algorithm>
#include <optional>
#include <regex>

namespace gmat {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const auto &n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// The block type a configured name means for one tensor; errors list the valid names.
std::string tensor_type_name(const std::string &value, const PluginRegistry &registry, const std::string &where) {
    const std::string name = lower(value);
    if (is_mix_name(name)) return base_type_of(name);
    if (registry.find_quant_type(name)) return name;
    if (quant_mix::parse_block_type(name)) return name; // known type; "no plugin provides" comes later
    if (name.find(':') != std::string::npos) registry.quant_type(name); // "plugin:type": its own precise error
    throw GmatError(where + ": unknown type '" + value + "' (valid: " + joined(valid_type_names(registry)) + ")");
}

// How a per_tensor key names tensors: a store UUID, or a regular expression
// over GGUF names (a plain GGUF name is an expression matching itself).
enum class KeyKind { Uuid, Pattern };

struct Override {
    std::string key;
    std::string type;
    KeyKind kind = KeyKind::Pattern;
    std::regex pattern;
};

bool looks_like_uuid(const std::string &key) {
    static const std::regex uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    return std::regex_match(key, uuid);
}

// A plain name: nothing an expression would read as syntax but '.', which in a
// GGUF name stands for itself (and matches it as "any character").
bool looks_like_name(const std::string &key) {
    return key.find_first_of("\\[](){}*+?|^$") == std::string::npos;
}

// Where an invalid expression goes wrong: the length of its longest prefix that
// still compiles (the expression library's own verdict; it reports no offset).
std::optional<size_t> regex_error_position(const std::string &key) {
    constexpr size_t kMaxScan = 512; // each step compiles a prefix: bounded work for absurd keys
    if (key.size() > kMaxScan) return std::nullopt;
    for (size_t n = key.size(); n-- > 0;) {
        try {
            std::regex(key.substr(0, n), std::regex::ECMAScript);
            return n;
        } catch (const std::regex_error &) {
        }
    }
    return 0;
}

std::regex compile_key(const std::string &key, const std::string &where) {
    try {
        return std::regex(key, std::regex::ECMAScript);
    } catch (const std::regex_error &e) {
        std::string at;
        if (const auto pos = regex_error_position(key); pos && *pos < key.size())
            at = " at position " + std::to_string(*pos) + " ('" + key[*pos] + "')";
        throw GmatError(where + ": invalid regular expression" + at + ": " + e.what());
    }
}

std::vector<Override> parse_overrides(const ExportConfig &config, const PluginRegistry &registry, const Store &store,
                                      const std::string &ctx) {
    std::vector<Override> out;
    for (const auto &[key, value] : config.per_tensor) {
        const std::string where = ctx + ": quantization.per_tensor['" + key + "']";
        Override o{key, tensor_type_name(value, registry, where), KeyKind::Pattern, {}};
        if (store.find_uuid(key) || looks_like_uuid(key)) o.kind = KeyKind::Uuid;
        else o.pattern = compile_key(key, where);
        out.push_back(std::move(o));
    }
    return out;
}

bool names_uuid(const Override &o, const PlannedTensor &t) {
    if (o.kind != KeyKind::Uuid) return false;
    if (t.stored && lower(o.key) == lower(t.stored->uuid)) return true;
    for (const StoredTensor *part : t.parts)
        if (lower(o.key) == lower(part->uuid)) return true;
    return false;
}

// UUID (of the tensor or any slice stacked into it) beats GGUF name beats
// regex (first in file order); nullptr when none applies.
const Override *find_override(const std::vector<Override> &overrides, const PlannedTensor &t) {
    for (const auto &o : overrides)
        if (names_uuid(o, t)) return &o;
    for (const auto &o : overrides)
        if (o.kind == KeyKind::Pattern && o.key == t.gguf_name) return &o;
    for (const auto &o : overrides)
        if (o.kind == KeyKind::Pattern && std::regex_match(t.gguf_name, o.pattern)) return &o;
    return nullptr;
}

size_t edit_distance(const std::string &a, const std::string &b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// The (up to) three candidates nearest to key by edit distance, nearest first.
std::string closest(const std::string &key, std::vector<std::string> candidates) {
    constexpr size_t kMaxKey = 256; // distances cost key x candidate: bounded for absurd keys
    if (candidates.empty() || key.size() > kMaxKey) return "";
    std::vector<std::pair<size_t, std::string>> ranked;
    for (auto &c : candidates) ranked.emplace_back(edit_distance(lower(key), lower(c)), std::move(c));
    const size_t n = std::min<size_t>(3, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end());
    std::string out;
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + ranked[i].second;
    return out;
}

// Every key must name a store tensor (UUID) or match a GGUF name of this
// export (or of a tensor --skip-tensor left out); the others fail the export,
// or become notes with "allow_unmatched": true (keys meant for other models).
void check_every_key_matches(const std::vector<Override> &overrides, ExportPlan &plan, const Store &store,
                             const ExportConfig &config, const std::string &ctx) {
    std::vector<std::string> names, uuids;
    for (const auto &t : plan.tensors) names.push_back(t.gguf_name);
    for (const auto &n : plan.skipped_gguf_names) names.push_back(n);
    for (const auto &t : store.tensors()) uuids.push_back(t.uuid);
    std::vector<std::string> problems;
    for (const auto &o : overrides) {
        const std::string where = ctx + ": quantization.per_tensor['" + o.key + "']";
        std::string problem;
        if (o.kind == KeyKind::Uuid) {
            if (store.find_uuid(o.key)) continue;
            problem = where + ": no tensor with UUID " + o.key + " in " + store.dir().string() + " (closest: " +
                      closest(o.key, uuids) + ")";
        } else {
            const bool matched = std::any_of(names.begin(), names.end(), [&](const std::string &n) {
                return n == o.key || std::regex_match(n, o.pattern);
            });
            if (matched) continue;
            if (looks_like_name(o.key))
                problem = where + ": no GGUF tensor named '" + o.key + "' in this export of " + store.dir().string() +
                          " (closest: " + closest(o.key, names) + ")";
            else
                problem = where + ": the regular expression matches none of the " + std::to_string(names.size()) +
                          " GGUF tensor names of this export of " + store.dir().string() + " (the whole name must match; e.g. " +
                          closest(o.key, names) + ")";
        }
        problems.push_back(problem);
    }
    if (problems.empty()) return;
    if (config.allow_unmatched) {
        for (const auto &p : problems) plan.notes.push_back(p + "; kept: allow_unmatched");
        return;
    }
    std::string message;
    for (const auto &p : problems) message += (message.empty() ? "" : "\n") + p;
    throw GmatError(message + "\n(a key meant for another model can stay with \"allow_unmatched\": true in "
                              "\"quantization\")");
}

std::string float_name(const PlannedTensor &t) {
    if (!t.stored) return "f32";
    // FP8 / MXFP4 sources: mixes resolve as on llama.cpp's BF16 conversion of the model.
    if (t.stored->source.encoded()) return "bf16";
    return lower(dtype_name(t.stored->dtype));
}

// Requested type -> a type whose block divides the row, as llama.cpp falls back.
std::string fit_to_rows(const std::string &type, const PlannedTensor &t, const PluginRegistry &registry, std::string &why) {
    if (auto block = quant_mix::parse_block_type(type)) {
        const quant_mix::RowFit fit = quant_mix::fit_row(*block, t.n_cols);
        if (fit.fell_back) why = fit.reason;
        return std::string(quant_mix::block_type_name(fit.type));
    }
    const QuantType *q = registry.find_quant_type(type);
    if (q && !q->fits_row(t.n_cols)) {
        why = "fallback: row length " + std::to_string(t.n_cols) + " is not a multiple of " + type + "'s block of " +
              std::to_string(q->block_elements()) + " -> f16";
        return "f16";
    }
    return type;
}

MixModel mix_model_of(const ExportPlan &plan, const Architecture &arch, const HfConfig &hf) {
    MixModel m;
    m.architecture = arch.gguf_architecture();
    m.n_layer = arch.block_count(hf);
    m.n_head = static_cast<uint32_t>(hf.require_uint("num_attention_heads"));
    m.n_head_kv = static_cast<uint32_t>(hf.optional_uint("num_key_value_heads").value_or(m.n_head));
    m.n_expert = static_cast<uint32_t>(hf.optional_uint("num_local_experts")
                                           .value_or(hf.optional_uint("num_experts")
                                                         .value_or(hf.optional_uint("n_routed_experts").value_or(0))));
    m.n_embd = static_cast<uint32_t>(hf.optional_uint("hidden_size").value_or(0));
    m.has_output_tensor = std::any_of(plan.tensors.begin(), plan.tensors.end(),
                                      [](const PlannedTensor &t) { return t.gguf_name == "output.weight"; });
    m.has_imatrix = plan.imatrix != nullptr;
    return m;
}

} // namespace

std::vector<std::string> valid_type_names(const PluginRegistry &registry) {
    std::vector<std::string> names;
    for (std::string_view mix : quant_mix::all_mix_names()) names.emplace_back(mix);
    for (const QuantType *t : registry.quant_types())
        if (std::find(names.begin(), names.end(), t->name()) == names.end()) names.push_back(t->name());
    return names;
}

void assign_tensor_types(ExportPlan &plan, const Store &store, const ExportConfig &config, const std::string &ctx,
                         const PluginRegistry &registry, const Architecture &arch, const HfConfig &hf) {
    const std::string default_type = lower(config.default_type);
    const std::string where = ctx + ": quantization.default_type";
    std::vector<MixChoice> mix;
    if (is_mix_name(default_type)) {
        std::vector<MixTensor> mix_tensors;
        for (const auto &t : plan.tensors) mix_tensors.push_back(
                {t.gguf_name, t.ggml_ne(), quant_mix::unquantized_gguf_type(t.gguf_name, t.shape.size(), float_name(t))});
        mix = resolve_mix(default_type, mix_model_of(plan, arch, hf), mix_tensors);
    } else if (!registry.find_quant_type(default_type)) {
        tensor_type_name(config.default_type, registry, where); // throws with the valid names
    }
    const auto overrides = parse_overrides(config, registry, store, ctx);
    check_every_key_matches(overrides, plan, store, config, ctx);
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        PlannedTensor &t = plan.tensors[i];
        std::string type;
        if (t.shape.size() < 2) {
            type = "f32";
            t.reason = "1-D tensor: kept in F32 as llama.cpp computes it";
        } else if (!mix.empty()) {
            type = mix[i].type;
            t.reason = mix[i].reason;
            t.fallback = mix[i].fallback;
        } else {
            type = default_type;
            t.reason = "default type";
        }
        if (const Override *o = find_override(overrides, t)) {
            if (t.shape.size() < 2) {
                if (o->type != "f32")
                    plan.notes.push_back(t.gguf_name + ": per_tensor asks for " + o->type + "; 1-D tensors stay F32");
            } else {
                type = o->type;
                t.reason = "per_tensor['" + o->key + "']";
                t.fallback = false;
                std::string why;
                type = fit_to_rows(type, t, registry, why);
                if (!why.empty()) t.fallback = true, t.reason += "; " + why;
            }
        }
        if (mix.empty() && t.shape.size() >= 2 && t.reason == "default type") {
            std::string why;
            type = fit_to_rows(type, t, registry, why);
            if (!why.empty()) t.fallback = true, t.reason = why;
        }
        if (t.fallback) plan.notes.push_back(t.gguf_name + ": " + t.reason);
        const QuantType *q = registry.find_quant_type(type);
        if (!q) {
            try {
                registry.quant_type(type); // throws "type not available: no plugin provides ..."
            } catch (const GmatError &e) {
                throw GmatError(std::string(e.what()) + "; needed for " + t.gguf_name + " (" + t.reason + ")");
            }
        }
        t.type = q;
    }
}

} // namespace gmat
