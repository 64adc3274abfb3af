// Phi3ForCausalLM (llama.cpp's "phi3"): fused qkv_proj and gate_up_proj kept
// fused (attn_qkv, ffn_up holding gate rows then up rows, as llama.cpp's
// SwiGLU splits them), NEOX RoPE over rope.dimension_count dimensions.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/llama_family.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {

const std::map<std::string, std::string> &phi3_block_names() {
    static const std::map<std::string, std::string> names{
        {"self_attn.qkv_proj.weight", "attn_qkv.weight"}, {"self_attn.o_proj.weight", "attn_output.weight"},
        {"mlp.gate_up_proj.weight", "ffn_up.weight"},     {"mlp.down_proj.weight", "ffn_down.weight"},
        {"input_layernorm.weight", "attn_norm.weight"},   {"post_attention_layernorm.weight", "ffn_norm.weight"},
    };
    return names;
}

// Long-context Phi-3 ("longrope"/"su") needs rope_factors_long/short tensors
// and an attention factor; not written yet, so refuse rather than mis-scale.
void require_plain_rope(const HfConfig &c) {
    const rapidjson::Value *scaling = c.object("rope_scaling");
    if (!scaling) return;
    std::string type = "unknown";
    for (const char *key : {"rope_type", "type"})
        if (auto it = scaling->FindMember(key); it != scaling->MemberEnd() && it->value.IsString())
            type = it->value.GetString();
    throw GmatError(c.source() + ": phi3 rope_scaling of type '" + type +
                    "' is not supported yet (only rope_scaling = null is)");
}

class Phi3Architecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "phi3"; }
    std::vector<std::string> hf_classes() const override { return {"Phi3ForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        return decoder_gguf_tensor_name(hf, {"phi3", &phi3_block_names()});
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        require_plain_rope(c);
        add_llama_family_hyperparameters(c, "phi3", out);
        const double rotary = c.optional_number("partial_rotary_factor").value_or(1.0);
        const uint64_t hidden = c.require_uint("hidden_size"), heads = c.require_uint("num_attention_heads");
        out.set("phi3.rope.dimension_count",
                static_cast<uint32_t>(static_cast<uint64_t>(rotary * static_cast<double>(hidden)) / heads));
        if (auto original = c.optional_uint("original_max_position_embeddings"))
            out.set("phi3.rope.scaling.original_context_length", static_cast<uint32_t>(*original));
        // 0 = no window; llama.cpp's phi3 currently ignores it either way.
        out.set("phi3.attention.sliding_window", static_cast<uint32_t>(c.optional_uint("sliding_window").value_or(0)));
    }
};

} // namespace

const Architecture &phi3_architecture() {
    static const Phi3Architecture arch;
    return arch;
}

} // namespace gmat
