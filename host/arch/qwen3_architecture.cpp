// Qwen3ForCausalLM (llama.cpp's "qwen3"): Qwen2 without the q/k/v biases but
// with a per-head RMSNorm on queries and keys before RoPE (NEOX, rows unpermuted).
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/llama_family.hpp"

namespace gmat {

namespace {

std::map<std::string, std::string> qwen3_block_names() {
    auto names = llama_style_block_names();
    names["self_attn.q_norm.weight"] = "attn_q_norm.weight";
    names["self_attn.k_norm.weight"] = "attn_k_norm.weight";
    return names;
}

class Qwen3Architecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "qwen3"; }
    std::vector<std::string> hf_classes() const override { return {"Qwen3ForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        static const std::map<std::string, std::string> block = qwen3_block_names();
        return decoder_gguf_tensor_name(hf, {"qwen3", &block});
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        add_llama_family_hyperparameters(c, "qwen3", out);
        // Qwen3's head_dim is its own field (128 with hidden 1024 and 16 heads), so always say it.
        const auto head_dim = static_cast<uint32_t>(llama_head_dim(c));
        out.set("qwen3.attention.key_length", head_dim);
        out.set("qwen3.attention.value_length", head_dim);
    }
};

} // namespace

const Architecture &qwen3_architecture() {
    static const Qwen3Architecture arch;
    return arch;
}

} // namespace gmat
