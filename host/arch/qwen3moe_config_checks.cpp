#include "arch/qwen3moe_config_checks.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <string>

namespace gmat {

namespace {

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    throw GmatError(c.source() + ": Qwen3MoeForCausalLM field '" + field + "' " + why);
}

// llama.cpp's qwen3moe builds a router and experts in every layer; HF's
// Qwen3MoeDecoderLayer uses a dense MLP for layers in mlp_only_layers and for
// those whose index + 1 is not a multiple of decoder_sparse_step.
void check_every_layer_sparse(const HfConfig &c) {
    if (auto step = c.optional_uint("decoder_sparse_step"); step && *step != 1)
        refuse(c, "decoder_sparse_step",
               "is " + std::to_string(*step) + ": only every " + std::to_string(*step) +
                   "th layer has experts, but llama.cpp's qwen3moe needs experts in every layer (1 is supported)");
    auto only = c.root().FindMember("mlp_only_layers");
    if (only == c.root().MemberEnd() || only->value.IsNull()) return;
    if (!only->value.IsArray()) refuse(c, "mlp_only_layers", "is not a list of layer indices");
    if (!only->value.Empty())
        refuse(c, "mlp_only_layers",
               "lists " + std::to_string(only->value.Size()) +
                   " dense layer(s), but llama.cpp's qwen3moe needs experts in every layer (only [] is supported)");
}

void check_experts(const HfConfig &c) {
    const uint64_t experts = c.require_uint("num_experts");
    const uint64_t used = c.require_uint("num_experts_per_tok");
    if (experts == 0) refuse(c, "num_experts", "is 0; llama.cpp's qwen3moe needs at least one expert");
    if (used == 0 || used > experts)
        refuse(c, "num_experts_per_tok",
               "is " + std::to_string(used) + "; it must be between 1 and num_experts (" + std::to_string(experts) + ")");
    // HF's default is false; llama.cpp's qwen3moe graph always renormalises the chosen weights.
    if (!c.optional_bool("norm_topk_prob").value_or(false))
        refuse(c, "norm_topk_prob",
               "is false or absent (top-k softmax weights used as they are), but llama.cpp's qwen3moe always "
               "renormalises them to sum 1 (true is supported)");
}

void check_attention(const HfConfig &c) {
    if (c.optional_bool("use_sliding_window").value_or(false))
        refuse(c, "use_sliding_window", "is true, but llama.cpp's qwen3moe has no sliding-window attention");
    auto types = c.root().FindMember("layer_types");
    if (types != c.root().MemberEnd() && types->value.IsArray())
        for (rapidjson::SizeType i = 0; i < types->value.Size(); ++i) {
            const std::string where = c.source() + ": layer_types[" + std::to_string(i) + "]";
            if (json::require_string(types->value[i], where) != "full_attention")
                refuse(c, "layer_types", "[" + std::to_string(i) +
                                             "] is not full_attention; llama.cpp's qwen3moe attends over the whole context");
        }
    // HF puts the bias on q, k, v and o alike; llama.cpp's qwen3moe has no attn_output bias.
    if (c.optional_bool("attention_bias").value_or(false))
        refuse(c, "attention_bias", "is true, but llama.cpp's qwen3moe has no bias on the attention output");
}

} // namespace

void check_qwen3moe_config(const HfConfig &c) {
    check_every_layer_sparse(c);
    check_experts(c);
    check_attention(c);
    const std::string act = c.optional_string("hidden_act").value_or("silu");
    if (act != "silu") refuse(c, "hidden_act", "is '" + act + "', but llama.cpp's qwen3moe computes SiLU-gated MLPs");
}

} // namespace gmat
