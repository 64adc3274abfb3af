#include "pipeline/tensor_types.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "quant_mix/block_type.hpp"
#include "quant_mix/converter_float_type.hpp"
#include "quant_mix/mix_names.hpp"
#include "quant_mix/resolve_mix.hpp"
#include "quant_mix/row_fallback.hpp"

#include <algorithm>
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

struct Override {
    std::string key;
    std::string type;
    std::regex pattern;
    bool is_regex = false;
};

std::vector<Override> parse_overrides(const ExportConfig &config, const PluginRegistry &registry, const std::string &ctx) {
    std::vector<Override> out;
    for (const auto &[key, value] : config.per_tensor) {
        const std::string where = ctx + ": quantization.per_tensor['" + key + "']";
        Override o{key, tensor_type_name(value, registry, where), {}, false};
        try {
            o.pattern = std::regex(key, std::regex::ECMAScript);
            o.is_regex = true;
        } catch (const std::regex_error &) {
            o.is_regex = false; // not a valid expression: only an exact key
        }
        out.push_back(std::move(o));
    }
    return out;
}

// UUID beats GGUF name beats regex (first in file order); nullptr when none applies.
const Override *find_override(const std::vector<Override> &overrides, const PlannedTensor &t) {
    if (t.stored)
        for (const auto &o : overrides)
            if (lower(o.key) == lower(t.stored->uuid)) return &o;
    for (const auto &o : overrides)
        if (o.key == t.gguf_name) return &o;
    for (const auto &o : overrides)
        if (o.is_regex && std::regex_match(t.gguf_name, o.pattern)) return &o;
    return nullptr;
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
    return m;
}

} // namespace

std::vector<std::string> valid_type_names(const PluginRegistry &registry) {
    std::vector<std::string> names{"f32", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_k", "q2_k_s",
                                   "q3_k_s", "q3_k_m", "q3_k_l", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k",
                                   "iq4_nl", "iq4_xs", "mxfp4_moe"};
    for (const QuantType *t : registry.quant_types())
        if (std::find(names.begin(), names.end(), t->name()) == names.end()) names.push_back(t->name());
    return names;
}

void assign_tensor_types(ExportPlan &plan, const Store &, const ExportConfig &config, const std::string &ctx,
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
    const auto overrides = parse_overrides(config, registry, ctx);
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
