#include "arch/gemma_family.hpp"

#include "arch/decoder_tensor_names.hpp"
#include "arch/llama_family.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace gmat {

namespace {

std::map<std::string, std::string> gemma_block_names(bool qk_norm) {
    auto names = llama_style_block_names();
    names["post_attention_layernorm.weight"] = "post_attention_norm.weight";
    names["pre_feedforward_layernorm.weight"] = "ffn_norm.weight";
    names["post_feedforward_layernorm.weight"] = "post_ffw_norm.weight";
    if (qk_norm) {
        names["self_attn.q_norm.weight"] = "attn_q_norm.weight";
        names["self_attn.k_norm.weight"] = "attn_k_norm.weight";
    }
    return names;
}

// Whether a GGUF tensor is one of the RMSNorm weights Gemma stores as w.
bool is_gemma_norm(const std::string &gguf_name) { return gguf_name.ends_with("norm.weight"); }

// HF's per-layer sliding flags: layer_types when given, else the class's rule
// (Gemma2: even layers; Gemma3: all but every sliding_window_pattern-th).
std::vector<bool> sliding_layers(const HfConfig &c, const GemmaTraits &t) {
    const uint64_t n_layer = c.require_uint("num_hidden_layers");
    std::vector<bool> sliding(n_layer);
    auto types = c.root().FindMember("layer_types");
    if (types != c.root().MemberEnd() && types->value.IsArray()) {
        if (types->value.Size() != n_layer)
            throw GmatError(c.source() + ": layer_types has " + std::to_string(types->value.Size()) +
                            " entries, num_hidden_layers is " + std::to_string(n_layer));
        for (uint64_t i = 0; i < n_layer; ++i)
            sliding[i] = json::require_string(types->value[static_cast<rapidjson::SizeType>(i)],
                                              c.source() + ": layer_types[" + std::to_string(i) + "]") ==
                         "sliding_attention";
        return sliding;
    }
    const uint64_t pattern = c.optional_uint("sliding_window_pattern").value_or(t.default_window_pattern);
    for (uint64_t i = 0; i < n_layer; ++i) sliding[i] = pattern == 0 || i % pattern < pattern - 1;
    return sliding;
}

// llama.cpp's sliding_window_pattern n marks layer i sliding when i % n < n - 1
// (0: every layer). Returns the n that reproduces `sliding`.
uint32_t window_pattern(const std::vector<bool> &sliding, const HfConfig &c) {
    for (uint32_t n = 0; n <= sliding.size(); ++n) {
        bool fits = true;
        for (size_t i = 0; i < sliding.size() && fits; ++i) fits = sliding[i] == (n == 0 || i % n < n - 1);
        if (fits) return n;
    }
    throw GmatError(c.source() + ": layer_types is not periodic with one global layer per period; llama.cpp "
                    "would need a per-layer sliding_window_pattern array, which gmat does not write yet");
}

void check_llama_cpp_assumptions(const HfConfig &c, const GemmaTraits &t) {
    const uint64_t n_layer = c.require_uint("num_hidden_layers");
    const uint64_t scaled_by = n_layer == t.n_layer_scaled_by_embd
                                   ? c.require_uint("hidden_size") / c.require_uint("num_attention_heads")
                                   : llama_head_dim(c);
    const double scalar = c.optional_number("query_pre_attn_scalar").value_or(256.0);
    if (scalar != static_cast<double>(scaled_by))
        throw GmatError(c.source() + ": query_pre_attn_scalar " + std::to_string(scalar) + " differs from the " +
                        std::to_string(scaled_by) + " llama.cpp's " + t.arch + " scales attention by for " +
                        std::to_string(n_layer) + " layers");
    const std::string act = c.optional_string("hidden_activation")
                                .value_or(c.optional_string("hidden_act").value_or("gelu_pytorch_tanh"));
    if (act != "gelu_pytorch_tanh")
        throw GmatError(c.source() + ": hidden_activation '" + act + "' is not supported (llama.cpp's " + t.arch +
                        " computes gelu_pytorch_tanh)");
}

} // namespace

void add_gemma_hyperparameters(const HfConfig &c, const GemmaTraits &t, Metadata &out) {
    check_llama_cpp_assumptions(c, t);
    add_llama_family_hyperparameters(c, t.arch, out);
    const auto head_dim = static_cast<uint32_t>(llama_head_dim(c));
    out.set(t.arch + ".attention.key_length", head_dim);
    out.set(t.arch + ".attention.value_length", head_dim);
    const std::vector<bool> sliding = sliding_layers(c, t);
    const bool any_sliding = std::find(sliding.begin(), sliding.end(), true) != sliding.end();
    if (auto window = c.optional_uint("sliding_window"); window && any_sliding) {
        out.set(t.arch + ".attention.sliding_window", static_cast<uint32_t>(*window));
        out.set(t.arch + ".attention.sliding_window_pattern", window_pattern(sliding, c));
    }
}

GemmaFamilyArchitecture::GemmaFamilyArchitecture(GemmaTraits traits)
    : traits_(std::move(traits)), block_names_(gemma_block_names(traits_.qk_norm)) {}

std::optional<std::string> GemmaFamilyArchitecture::gguf_tensor_name(const std::string &hf) const {
    return decoder_gguf_tensor_name(hf, {traits_.arch, &block_names_, false});
}

void GemmaFamilyArchitecture::transform_values(const std::string &gguf_name, float *values, uint64_t n,
                                               const HfConfig &) const {
    if (!is_gemma_norm(gguf_name)) return;
    for (uint64_t i = 0; i < n; ++i) values[i] += 1.0f;
}

bool GemmaFamilyArchitecture::transforms_values(const std::string &gguf_name) const { return is_gemma_norm(gguf_name); }

} // namespace gmat
