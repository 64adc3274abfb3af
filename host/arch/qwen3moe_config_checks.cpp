#include "arch/qwen3moe_config_checks.hpp"

#include "arch/moe_config_checks.hpp"

namespace gmat {

void check_qwen3moe_config(const HfConfig &c) {
    const MoeClass cls{"Qwen3MoeForCausalLM", "qwen3moe"};
    // HF's Qwen3MoeDecoderLayer uses a dense MLP for layers in mlp_only_layers
    // and for those whose index + 1 is not a multiple of decoder_sparse_step.
    check_every_layer_sparse(c, cls);
    check_expert_counts(c, cls, "num_experts");
    // HF's default is false; llama.cpp's qwen3moe graph always renormalises the chosen weights.
    if (!c.optional_bool("norm_topk_prob").value_or(false))
        refuse_moe_field(c, cls, "norm_topk_prob",
                         "is false or absent (top-k softmax weights used as they are), but llama.cpp's qwen3moe "
                         "always renormalises them to sum 1 (true is supported)");
    check_full_attention_only(c, cls);
    // HF puts the bias on q, k, v and o alike; llama.cpp's qwen3moe has no attn_output bias.
    if (c.optional_bool("attention_bias").value_or(false))
        refuse_moe_field(c, cls, "attention_bias", "is true, but llama.cpp's qwen3moe has no bias on the attention output");
    check_silu_experts(c, cls);
}

} // namespace gmat
