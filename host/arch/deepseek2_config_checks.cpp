#include "arch/deepseek2_config_checks.hpp"

#include "common/error.hpp"

#include <string>

namespace gmat {

namespace {

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    throw GmatError(c.source() + ": DeepseekV3ForCausalLM field '" + field + "' " + why);
}

void check_routing(const HfConfig &c) {
    const uint64_t experts = c.require_uint("n_routed_experts");
    const uint64_t used = c.require_uint("num_experts_per_tok");
    if (experts == 0) refuse(c, "n_routed_experts", "is 0; llama.cpp's deepseek2 needs at least one routed expert");
    if (used == 0 || used > experts)
        refuse(c, "num_experts_per_tok", "is " + std::to_string(used) + "; it must be between 1 and n_routed_experts (" +
                                             std::to_string(experts) + ")");
    if (c.require_uint("n_shared_experts") == 0)
        refuse(c, "n_shared_experts", "is 0, but llama.cpp's deepseek2 adds a shared expert to every MoE layer");
    const std::string scoring = c.optional_string("scoring_func").value_or("sigmoid");
    if (scoring != "sigmoid")
        refuse(c, "scoring_func", "is '" + scoring + "'; DeepSeek-V3's sigmoid scoring is supported");
    const std::string method = c.optional_string("topk_method").value_or("noaux_tc");
    if (method != "noaux_tc")
        refuse(c, "topk_method", "is '" + method +
                                     "'; llama.cpp computes DeepSeek-V3's noaux_tc (biased choice, grouped top-k)");
    const uint64_t groups = c.optional_uint("n_group").value_or(1);
    if (groups == 0 || experts % groups != 0)
        refuse(c, "n_group", "is " + std::to_string(groups) + "; it must divide n_routed_experts (" +
                                 std::to_string(experts) + ")");
    const uint64_t used_groups = c.optional_uint("topk_group").value_or(groups);
    if (used_groups == 0 || used_groups > groups)
        refuse(c, "topk_group", "is " + std::to_string(used_groups) + "; it must be between 1 and n_group (" +
                                    std::to_string(groups) + ")");
    if (c.optional_uint("first_k_dense_replace").value_or(0) > c.require_uint("num_hidden_layers"))
        refuse(c, "first_k_dense_replace", "is more than num_hidden_layers");
    if (auto freq = c.optional_uint("moe_layer_freq"); freq && *freq != 1)
        refuse(c, "moe_layer_freq", "is " + std::to_string(*freq) +
                                        ", but llama.cpp's deepseek2 has experts in every layer after "
                                        "first_k_dense_replace (1 is supported)");
}

void check_attention(const HfConfig &c) {
    // llama.cpp reads attention.q_lora_rank unless the model has a "lite"
    // layer count (DeepSeek-V2-Lite's 27, 26), where q_proj is unfactored.
    const uint64_t layers = c.require_uint("num_hidden_layers");
    const bool q_lora = c.has("q_lora_rank") && !c.root()["q_lora_rank"].IsNull();
    if (!q_lora && layers != 26 && layers != 27)
        refuse(c, "q_lora_rank", "is null, but llama.cpp's deepseek2 reads q_lora_rank for a model of " +
                                     std::to_string(layers) + " layers (only DeepSeek-V2-Lite-shaped 26/27-layer "
                                     "models may leave q unfactored)");
    if (c.require_uint("qk_nope_head_dim") == 0)
        refuse(c, "qk_nope_head_dim", "is 0; llama.cpp's deepseek2 needs a non-rotated part of each head");
    if (c.require_uint("qk_rope_head_dim") % 2 != 0) refuse(c, "qk_rope_head_dim", "must be even");
    if (c.optional_bool("attention_bias").value_or(false))
        refuse(c, "attention_bias", "is true, but llama.cpp's deepseek2 has no attention biases");
    if (!c.optional_bool("rope_interleave").value_or(true))
        refuse(c, "rope_interleave", "is false, but llama.cpp's deepseek2 rotates adjacent pairs (interleaved)");
}

} // namespace

void check_deepseek2_config(const HfConfig &c) {
    check_routing(c);
    check_attention(c);
    const std::string act = c.optional_string("hidden_act").value_or("silu");
    if (act != "silu") refuse(c, "hidden_act", "is '" + act + "', but llama.cpp's deepseek2 computes SiLU-gated MLPs");
}

} // namespace gmat
