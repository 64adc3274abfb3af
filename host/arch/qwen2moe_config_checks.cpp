#include "arch/qwen2moe_config_checks.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <string>

namespace gmat {

namespace {

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    throw GmatError(c.source() + ": Qwen2MoeForCausalLM field '" + field + "' " + why);
}

// llama.cpp's qwen2moe builds a router and experts in every layer, so the HF
// options that turn some layers into a dense MLP have no GGUF equivalent.
void check_every_layer_sparse(const HfConfig &c) {
    if (auto step = c.optional_uint("decoder_sparse_step"); step && *step != 1)
        refuse(c, "decoder_sparse_step",
               "is " + std::to_string(*step) + ": only every " + std::to_string(*step) +
                   "th layer has experts, but llama.cpp's qwen2moe needs experts in every layer (1 is supported)");
    auto only = c.root().FindMember("mlp_only_layers");
    if (only == c.root().MemberEnd() || only->value.IsNull()) return;
    if (!only->value.IsArray()) refuse(c, "mlp_only_layers", "is not a list of layer indices");
    if (!only->value.Empty())
        refuse(c, "mlp_only_layers",
               "lists " + std::to_string(only->value.Size()) +
                   " dense layer(s), but llama.cpp's qwen2moe needs experts in every layer (only [] is supported)");
}

void check_experts(const HfConfig &c) {
    const uint64_t experts = c.require_uint("num_experts");
    const uint64_t used = c.require_uint("num_experts_per_tok");
    if (experts == 0) refuse(c, "num_experts", "is 0; llama.cpp's qwen2moe needs at least one expert");
    if (used == 0 || used > experts)
        refuse(c, "num_experts_per_tok",
               "is " + std::to_string(used) + "; it must be between 1 and num_experts (" + std::to_string(experts) + ")");
    // llama.cpp's qwen2moe uses the softmax weights of the chosen experts as they are.
    if (c.optional_bool("norm_topk_prob").value_or(false))
        refuse(c, "norm_topk_prob",
               "is true (top-k weights renormalised to sum 1), but llama.cpp's qwen2moe does not renormalise them");
}

void check_attention(const HfConfig &c) {
    if (c.optional_bool("use_sliding_window").value_or(false))
        refuse(c, "use_sliding_window", "is true, but llama.cpp's qwen2moe has no sliding-window attention");
    auto types = c.root().FindMember("layer_types");
    if (types != c.root().MemberEnd() && types->value.IsArray())
        for (rapidjson::SizeType i = 0; i < types->value.Size(); ++i) {
            const std::string where = c.source() + ": layer_types[" + std::to_string(i) + "]";
            if (json::require_string(types->value[i], where) != "full_attention")
                refuse(c, "layer_types", "[" + std::to_string(i) +
                                             "] is not full_attention; llama.cpp's qwen2moe attends over the whole context");
        }
    // llama.cpp sizes attn_q and attn_output as [hidden, hidden].
    const uint64_t heads = c.require_uint("num_attention_heads"), hidden = c.require_uint("hidden_size");
    if (auto head_dim = c.optional_uint("head_dim"); head_dim && *head_dim * heads != hidden)
        refuse(c, "head_dim",
               "is " + std::to_string(*head_dim) + ", but llama.cpp's qwen2moe needs head_dim * num_attention_heads == "
               "hidden_size (" + std::to_string(hidden) + ")");
}

} // namespace

void check_qwen2moe_config(const HfConfig &c) {
    check_every_layer_sparse(c);
    check_experts(c);
    check_attention(c);
    const std::string act = c.optional_string("hidden_act").value_or("silu");
    if (act != "silu") refuse(c, "hidden_act", "is '" + act + "', but llama.cpp's qwen2moe computes SiLU-gated MLPs");
    // llama.cpp's qwen2moe requires output.weight; it does not fall back to the embedding.
    if (c.optional_bool("tie_word_embeddings").value_or(false))
        refuse(c, "tie_word_embeddings", "is true, but llama.cpp's qwen2moe needs a separate lm_head (output.weight)");
}

} // namespace gmat
