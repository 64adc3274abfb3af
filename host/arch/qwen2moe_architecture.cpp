// Qwen2MoeForCausalLM (llama.cpp's "qwen2moe"): Qwen2's attention (q/k/v
// biases, NEOX RoPE, so q/k rows keep their order) and in every layer, in
// place of the MLP, a softmax router over num_experts gated MLPs of which
// num_experts_per_tok run per token, plus one shared gated MLP whose output is
// scaled by sigmoid(shared_expert_gate(x)). Experts are stacked per layer into
// ffn_{gate,up,down}_exps like Mixtral's; the shared expert keeps its own
// ffn_{gate,up,down}_shexp and its [1, hidden] gate becomes ffn_gate_inp_shexp.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/fused_experts.hpp"
#include "arch/llama_family.hpp"
#include "arch/supported_architectures.hpp"
#include "arch/qwen2moe_config_checks.hpp"


namespace gmat {

namespace {

// Qwen2's layer without its dense MLP (llama.cpp's qwen2moe has none, so a
// dense mlp.gate_proj must fail by name), plus the router and shared expert.
std::map<std::string, std::string> qwen2moe_block_names() {
    auto names = llama_style_block_names();
    for (const char *dense : {"mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"})
        names.erase(dense);
    names["mlp.gate.weight"] = "ffn_gate_inp.weight"; // the router, never quantized by llama.cpp
    names["mlp.shared_expert.gate_proj.weight"] = "ffn_gate_shexp.weight";
    names["mlp.shared_expert.up_proj.weight"] = "ffn_up_shexp.weight";
    names["mlp.shared_expert.down_proj.weight"] = "ffn_down_shexp.weight";
    names["mlp.shared_expert_gate.weight"] = "ffn_gate_inp_shexp.weight"; // [1, hidden]: one row, stays float
    return names;
}

class Qwen2MoeArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "qwen2moe"; }
    std::vector<std::string> hf_classes() const override { return {"Qwen2MoeForCausalLM"}; }

    // Expert tensors answer with the stacked tensor they belong to; plan_export stacks them.
    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (auto slot = stacked_tensor(hf)) return slot->gguf_name;
        if (auto fused = fused_expert_gguf_name(hf)) return fused;
        static const std::map<std::string, std::string> block = qwen2moe_block_names();
        return decoder_gguf_tensor_name(hf, {"qwen2moe", &block});
    }

    std::optional<StackedSlot> stacked_tensor(const std::string &hf) const override { return per_expert_slot(hf); }

    // transformers 5's fused [experts, 2 * ff, hidden] gate_up_proj.
    std::vector<TensorSlice> split_tensor(const std::string &hf, const std::vector<uint64_t> &shape,
                                          const HfConfig &) const override {
        return fused_gate_up_slices(hf, shape);
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        check_qwen2moe_config(c);
        add_llama_family_hyperparameters(c, "qwen2moe", out);
        out.set("qwen2moe.expert_count", static_cast<uint32_t>(c.require_uint("num_experts")));
        out.set("qwen2moe.expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
        out.set("qwen2moe.expert_feed_forward_length", static_cast<uint32_t>(c.require_uint("moe_intermediate_size")));
        out.set("qwen2moe.expert_shared_feed_forward_length",
                static_cast<uint32_t>(c.require_uint("shared_expert_intermediate_size")));
    }
};

} // namespace

const Architecture &qwen2moe_architecture() {
    static const Qwen2MoeArchitecture arch;
    return arch;
}

} // namespace gmat
