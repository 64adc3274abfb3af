#include "arch/qwen2moe_config_checks.hpp"

#include "arch/moe_config_checks.hpp"

namespace gmat {

void check_qwen2moe_config(const HfConfig &c) {
    const MoeClass cls{"Qwen2MoeForCausalLM", "qwen2moe"};
    // llama.cpp's qwen2moe builds a router and experts in every layer, so the HF
    // options that turn some layers into a dense MLP have no GGUF equivalent.
    check_every_layer_sparse(c, cls);
    check_expert_counts(c, cls, "num_experts");
    // llama.cpp's qwen2moe uses the softmax weights of the chosen experts as they are.
    if (c.optional_bool("norm_topk_prob").value_or(false))
        refuse_moe_field(c, cls, "norm_topk_prob",
                         "is true (top-k weights renormalised to sum 1), but llama.cpp's qwen2moe does not "
                         "renormalise them");
    check_full_attention_only(c, cls);
    // llama.cpp sizes attn_q and attn_output as [hidden, hidden].
    const uint64_t heads = c.require_uint("num_attention_heads"), hidden = c.require_uint("hidden_size");
    if (auto head_dim = c.optional_uint("head_dim"); head_dim && *head_dim * heads != hidden)
        refuse_moe_field(c, cls, "head_dim",
                         "is " + std::to_string(*head_dim) +
                             ", but llama.cpp's qwen2moe needs head_dim * num_attention_heads == hidden_size (" +
                             std::to_string(hidden) + ")");
    check_silu_experts(c, cls);
    // llama.cpp's qwen2moe requires output.weight; it does not fall back to the embedding.
    if (c.optional_bool("tie_word_embeddings").value_or(false))
        refuse_moe_field(c, cls, "tie_word_embeddings",
                         "is true, but llama.cpp's qwen2moe needs a separate lm_head (output.weight)");
}

} // namespace gmat
