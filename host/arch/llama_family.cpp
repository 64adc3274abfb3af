#include "arch/llama_family.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <cmath>
#include <string>
#include <utility>

namespace gmat {

uint64_t llama_head_dim(const HfConfig &c) {
    if (auto d = c.optional_uint("head_dim")) return *d;
    const uint64_t heads = c.require_uint("num_attention_heads");
    const uint64_t hidden = c.require_uint("hidden_size");
    if (heads == 0 || hidden % heads != 0)
        throw GmatError(c.source() + ": hidden_size " + std::to_string(hidden) + " is not a multiple of num_attention_heads " +
                        std::to_string(heads));
    return hidden / heads;
}

const rapidjson::Value *rope_scaling_of(const HfConfig &c) {
    if (const rapidjson::Value *scaling = c.object("rope_scaling")) return scaling;
    return c.object("rope_parameters");
}

double rope_theta_of(const HfConfig &c) {
    if (auto theta = c.optional_number("rope_theta")) return *theta;
    if (const rapidjson::Value *p = c.object("rope_parameters")) {
        auto it = p->FindMember("rope_theta");
        if (it != p->MemberEnd() && !it->value.IsNull())
            return json::require_number(it->value, c.source() + ": rope_parameters.rope_theta");
    }
    return 10000.0;
}

namespace {
std::string rope_type_of(const rapidjson::Value &scaling, const std::string &context) {
    for (const char *key : {"rope_type", "type"}) {
        auto it = scaling.FindMember(key);
        if (it != scaling.MemberEnd()) return json::require_string(it->value, context + ": rope_scaling." + key);
    }
    throw GmatError(context + ": rope_scaling has neither 'rope_type' nor 'type'");
}

double scaling_number(const rapidjson::Value &scaling, const char *key, double fallback, const std::string &context) {
    auto it = scaling.FindMember(key);
    if (it == scaling.MemberEnd() || it->value.IsNull()) return fallback;
    return json::require_number(it->value, context + ": rope_scaling." + key);
}

void add_rope_scaling(const HfConfig &c, const std::string &arch, Metadata &out) {
    const rapidjson::Value *scaling = rope_scaling_of(c);
    if (!scaling) return;
    const std::string type = rope_type_of(*scaling, c.source());
    if (type == "default" || type == "llama3") return; // llama3: rope_freqs.weight carries it
    const float factor = static_cast<float>(scaling_number(*scaling, "factor", 1.0, c.source()));
    if (type == "linear") {
        out.set(arch + ".rope.scaling.type", std::string("linear"));
        out.set(arch + ".rope.scaling.factor", factor);
    } else if (type == "yarn") {
        out.set(arch + ".rope.scaling.type", std::string("yarn"));
        out.set(arch + ".rope.scaling.factor", factor);
        const double original = scaling_number(*scaling, "original_max_position_embeddings", 0, c.source());
        if (original > 0) out.set(arch + ".rope.scaling.original_context_length", static_cast<uint32_t>(original));
        // The YaRN parameters llama.cpp's converter passes on when the config sets them.
        const std::pair<const char *, const char *> yarn[] = {{"extrapolation_factor", "yarn_ext_factor"},
                                                              {"attention_factor", "yarn_attn_factor"},
                                                              {"attn_factor", "yarn_attn_factor"},
                                                              {"beta_fast", "yarn_beta_fast"},
                                                              {"beta_slow", "yarn_beta_slow"}};
        for (const auto &[field, key] : yarn) {
            auto it = scaling->FindMember(field);
            if (it == scaling->MemberEnd() || it->value.IsNull()) continue;
            if (std::string(key) == "yarn_attn_factor" && std::string(field) == "attn_factor" &&
                scaling->HasMember("attention_factor"))
                continue; // attention_factor wins, as in the converter
            out.set(arch + ".rope.scaling." + key,
                    static_cast<float>(json::require_number(it->value, c.source() + ": rope_scaling." + field)));
        }
    } else {
        throw GmatError(c.source() + ": rope_scaling type '" + type + "' is not supported (default, linear, yarn, llama3 are)");
    }
}
} // namespace

void add_llama_family_hyperparameters(const HfConfig &c, const std::string &arch, Metadata &out) {
    const uint64_t heads = c.require_uint("num_attention_heads");
    const uint64_t kv_heads = c.optional_uint("num_key_value_heads").value_or(heads);
    const uint64_t head_dim = llama_head_dim(c);
    if (kv_heads == 0 || heads % kv_heads != 0)
        throw GmatError(c.source() + ": num_attention_heads " + std::to_string(heads) +
                        " is not a multiple of num_key_value_heads " + std::to_string(kv_heads));
    out.set(arch + ".vocab_size", static_cast<uint32_t>(c.require_uint("vocab_size")));
    out.set(arch + ".context_length", static_cast<uint32_t>(c.optional_uint("max_position_embeddings").value_or(2048)));
    out.set(arch + ".embedding_length", static_cast<uint32_t>(c.require_uint("hidden_size")));
    out.set(arch + ".feed_forward_length", static_cast<uint32_t>(c.require_uint("intermediate_size")));
    out.set(arch + ".block_count", static_cast<uint32_t>(c.require_uint("num_hidden_layers")));
    out.set(arch + ".attention.head_count", static_cast<uint32_t>(heads));
    out.set(arch + ".attention.head_count_kv", static_cast<uint32_t>(kv_heads));
    out.set(arch + ".rope.freq_base", static_cast<float>(rope_theta_of(c)));
    out.set(arch + ".rope.dimension_count", static_cast<uint32_t>(head_dim));
    out.set(arch + ".attention.layer_norm_rms_epsilon", static_cast<float>(c.optional_number("rms_norm_eps").value_or(1e-6)));
    if (c.has("head_dim") && head_dim * heads != c.require_uint("hidden_size")) {
        out.set(arch + ".attention.key_length", static_cast<uint32_t>(head_dim));
        out.set(arch + ".attention.value_length", static_cast<uint32_t>(head_dim));
    }
    add_rope_scaling(c, arch, out);
}

RowPermutation llama_qk_row_permutation(const std::string &gguf_name, const std::vector<uint64_t> &shape,
                                        const HfConfig &c) {
    const bool is_q = gguf_name.ends_with(".attn_q.weight") || gguf_name.ends_with(".attn_q.bias");
    const bool is_k = gguf_name.ends_with(".attn_k.weight") || gguf_name.ends_with(".attn_k.bias");
    if (!is_q && !is_k) return {};
    const uint64_t heads = c.require_uint("num_attention_heads");
    const uint64_t n_head = is_q ? heads : c.optional_uint("num_key_value_heads").value_or(heads);
    const uint64_t rows = shape.at(0);
    if (n_head == 0 || rows % n_head != 0 || (rows / n_head) % 2 != 0)
        throw GmatError(gguf_name + ": " + std::to_string(rows) + " rows cannot be split into " + std::to_string(n_head) +
                        " heads of even size for the RoPE row order");
    const uint64_t head_dim = rows / n_head, half = head_dim / 2;
    RowPermutation perm(rows);
    for (uint64_t h = 0; h < n_head; ++h)
        for (uint64_t i = 0; i < half; ++i)
            for (uint64_t j = 0; j < 2; ++j) perm[h * head_dim + 2 * i + j] = h * head_dim + j * half + i;
    return perm;
}

std::optional<GeneratedTensor> llama3_rope_frequency_factors(const HfConfig &c) {
    const rapidjson::Value *scaling = rope_scaling_of(c);
    if (!scaling || rope_type_of(*scaling, c.source()) != "llama3") return std::nullopt;
    const double theta = rope_theta_of(c);
    const uint64_t dim = llama_head_dim(c);
    const double factor = scaling_number(*scaling, "factor", 8.0, c.source());
    const double low = scaling_number(*scaling, "low_freq_factor", 1.0, c.source());
    const double high = scaling_number(*scaling, "high_freq_factor", 4.0, c.source());
    const double original = scaling_number(*scaling, "original_max_position_embeddings", 8192, c.source());
    const double low_wavelen = original / low, high_wavelen = original / high;
    GeneratedTensor t{"rope_freqs.weight", {dim / 2}, {}};
    for (uint64_t i = 0; i < dim; i += 2) {
        const double freq = 1.0 / std::pow(theta, static_cast<double>(i) / dim);
        const double wavelen = 2 * M_PI / freq;
        double f;
        if (wavelen < high_wavelen) f = 1.0;
        else if (wavelen > low_wavelen) f = factor;
        else {
            const double smooth = (original / wavelen - low) / (high - low);
            f = 1.0 / ((1 - smooth) / factor + smooth);
        }
        t.values.push_back(static_cast<float>(f));
    }
    return t;
}

} // namespace gmat
