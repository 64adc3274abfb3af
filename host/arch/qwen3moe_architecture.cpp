// Qwen3MoeForCausalLM (llama.cpp's "qwen3moe"; Qwen3-30B-A3B, 235B-A22B,
// Coder): Qwen3's attention (per-head q/k RMSNorm before NEOX RoPE, no
// biases, its own head_dim) and in every layer a softmax router over
// num_experts SiLU-gated MLPs of which num_experts_per_tok run per token, their
// weights renormalised to sum 1. No shared expert. Experts are stacked per
// layer into ffn_{gate,up,down}_exps like Qwen2-MoE's; the output head falls
// back to the embedding when tied.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/fused_experts.hpp"
#include "arch/llama_family.hpp"
#include "arch/qwen3moe_config_checks.hpp"
#include "arch/supported_architectures.hpp"


namespace gmat {

namespace {

// Qwen3's layer without a dense MLP (llama.cpp's qwen3moe has none), plus the router.
std::map<std::string, std::string> qwen3moe_block_names() {
    auto names = llama_style_block_names();
    for (const char *dense : {"mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight",
                              "self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias",
                              "self_attn.o_proj.bias"})
        names.erase(dense);
    names["self_attn.q_norm.weight"] = "attn_q_norm.weight";
    names["self_attn.k_norm.weight"] = "attn_k_norm.weight";
    names["mlp.gate.weight"] = "ffn_gate_inp.weight"; // the router, never quantized by llama.cpp
    return names;
}

class Qwen3MoeArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "qwen3moe"; }
    std::vector<std::string> hf_classes() const override { return {"Qwen3MoeForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (auto slot = stacked_tensor(hf)) return slot->gguf_name;
        if (auto fused = fused_expert_gguf_name(hf)) return fused;
        static const std::map<std::string, std::string> block = qwen3moe_block_names();
        return decoder_gguf_tensor_name(hf, {"qwen3moe", &block});
    }

    std::optional<StackedSlot> stacked_tensor(const std::string &hf) const override { return per_expert_slot(hf); }

    // transformers 5's fused [experts, 2 * ff, hidden] gate_up_proj.
    std::vector<TensorSlice> split_tensor(const std::string &hf, const std::vector<uint64_t> &shape,
                                          const HfConfig &) const override {
        return fused_gate_up_slices(hf, shape);
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        check_qwen3moe_config(c);
        add_llama_family_hyperparameters(c, "qwen3moe", out);
        // head_dim is its own field (128 with hidden 2048 and 32 heads in Qwen3-30B-A3B), so always say it.
        const auto head_dim = static_cast<uint32_t>(llama_head_dim(c));
        out.set("qwen3moe.attention.key_length", head_dim);
        out.set("qwen3moe.attention.value_length", head_dim);
        out.set("qwen3moe.expert_count", static_cast<uint32_t>(c.require_uint("num_experts")));
        out.set("qwen3moe.expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
        out.set("qwen3moe.expert_feed_forward_length", static_cast<uint32_t>(c.require_uint("moe_intermediate_size")));
    }
};

} // namespace

const Architecture &qwen3moe_architecture() {
    static const Qwen3MoeArchitecture arch;
    return arch;
}

} // namespace gmat
