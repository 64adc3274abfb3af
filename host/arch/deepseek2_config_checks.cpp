#include "arch/deepseek2_config_checks.hpp"

#include "arch/moe_config_checks.hpp"

#include <string>

namespace gmat {

namespace {

constexpr MoeClass kDeepseek2{"DeepseekV3ForCausalLM", "deepseek2"};

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    refuse_moe_field(c, kDeepseek2, field, why);
}

void check_routing(const HfConfig &c) {
    check_expert_counts(c, kDeepseek2, "n_routed_experts");
    const std::string scoring = c.optional_string("scoring_func").value_or("sigmoid");
    if (scoring != "sigmoid")
        refuse(c, "scoring_func", "is '" + scoring + "'; DeepSeek-V3's sigmoid scoring is supported");
    const std::string method = c.optional_string("topk_method").value_or("noaux_tc");
    if (method != "noaux_tc")
        refuse(c, "topk_method", "is '" + method +
                                     "'; llama.cpp computes DeepSeek-V3's noaux_tc (biased choice, grouped top-k)");
    check_grouped_sigmoid_routing(c, kDeepseek2, false);
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
    check_silu_experts(c, kDeepseek2);
}

} // namespace gmat
