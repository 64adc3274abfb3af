// DeepseekV3ForCausalLM (llama.cpp's "deepseek2"; DeepSeek-V3, R1, V3.1 and
// Kimi K2 use this class). Multi-head latent attention: q through a low-rank
// q_a_proj / q_a_layernorm / q_b_proj (q_lora_rank), keys and values through
// one shared kv_a_proj_with_mqa (kv_lora_rank latent + qk_rope_head_dim rotary
// key) and kv_b_proj, which llama.cpp's converter cuts per head into k_b
// (the qk_nope_head_dim rows, transposed to [kv_lora_rank, qk_nope_head_dim])
// and v_b (the v_head_dim rows), so llama.cpp attends in the latent space;
// RoPE on adjacent pairs (rope_interleave), YaRN with mscale. The first
// first_k_dense_replace layers are dense; the rest route with sigmoid scores
// plus e_score_correction_bias in n_group groups (topk_group searched), the
// chosen scores renormalised and times routed_scaling_factor, plus a shared
// expert. The multi-token-prediction layers after num_hidden_layers are left
// out, as llama.cpp's converter leaves them out.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/deepseek2_config_checks.hpp"
#include "arch/fused_experts.hpp"
#include "arch/llama_family.hpp"
#include "arch/supported_architectures.hpp"

#include "common/error.hpp"

#include <regex>

namespace gmat {

namespace {

std::map<std::string, std::string> deepseek2_block_names() {
    auto names = llama_style_block_names(); // dense MLP of the first layers, o_proj, the two norms
    for (const char *none : {"self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.q_proj.bias",
                             "self_attn.k_proj.bias", "self_attn.v_proj.bias", "self_attn.o_proj.bias"})
        names.erase(none);
    names["self_attn.q_a_proj.weight"] = "attn_q_a.weight";
    names["self_attn.q_a_layernorm.weight"] = "attn_q_a_norm.weight";
    names["self_attn.q_b_proj.weight"] = "attn_q_b.weight";
    names["self_attn.kv_a_proj_with_mqa.weight"] = "attn_kv_a_mqa.weight";
    names["self_attn.kv_a_layernorm.weight"] = "attn_kv_a_norm.weight";
    names["mlp.gate.weight"] = "ffn_gate_inp.weight";
    names["mlp.gate.e_score_correction_bias"] = "exp_probs_b.bias";
    names["mlp.shared_experts.gate_proj.weight"] = "ffn_gate_shexp.weight";
    names["mlp.shared_experts.up_proj.weight"] = "ffn_up_shexp.weight";
    names["mlp.shared_experts.down_proj.weight"] = "ffn_down_shexp.weight";
    return names;
}

// [1] layer of a kv_b_proj weight.
bool is_kv_b(const std::string &hf, std::smatch &m) {
    static const std::regex kv_b(R"(^model\.layers\.(\d+)\.self_attn\.kv_b_proj\.weight$)");
    return std::regex_match(hf, m, kv_b);
}

class Deepseek2Architecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "deepseek2"; }
    std::vector<std::string> hf_classes() const override { return {"DeepseekV3ForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (auto slot = stacked_tensor(hf)) return slot->gguf_name;
        if (auto fused = fused_expert_gguf_name(hf)) return fused;
        std::smatch m;
        if (is_kv_b(hf, m)) return "blk." + m[1].str() + ".attn_k_b.weight"; // and attn_v_b: see split_tensor
        static const std::map<std::string, std::string> block = deepseek2_block_names();
        return decoder_gguf_tensor_name(hf, {"deepseek2", &block});
    }

    std::optional<StackedSlot> stacked_tensor(const std::string &hf) const override { return per_expert_slot(hf); }

    std::optional<std::string> left_out(const std::string &hf, const HfConfig &c) const override {
        static const std::regex layer(R"(^model\.layers\.(\d+)\.)");
        std::smatch m;
        if (!std::regex_search(hf, m, layer)) return std::nullopt;
        const uint64_t n = std::stoull(m[1].str()), layers = c.require_uint("num_hidden_layers");
        if (n < layers) return std::nullopt;
        return "layer " + m[1].str() + " is a multi-token-prediction layer (num_hidden_layers is " +
               std::to_string(layers) + "), which llama.cpp's converter leaves out";
    }

    // kv_b_proj [heads * (qk_nope + v), kv_lora] -> attn_k_b [heads, kv_lora, qk_nope] (each head's
    // first qk_nope rows, transposed) and attn_v_b [heads, v, kv_lora] (its last v rows).
    std::vector<TensorSlice> split_tensor(const std::string &hf, const std::vector<uint64_t> &shape,
                                          const HfConfig &c) const override {
        std::smatch m;
        if (!is_kv_b(hf, m)) return fused_gate_up_slices(hf, shape);
        const uint64_t heads = c.require_uint("num_attention_heads"), nope = c.require_uint("qk_nope_head_dim");
        const uint64_t v = c.require_uint("v_head_dim"), lora = c.require_uint("kv_lora_rank");
        if (shape.size() != 2 || shape[0] != heads * (nope + v) || shape[1] != lora)
            throw GmatError("tensor '" + hf + "' is not [num_attention_heads * (qk_nope_head_dim + v_head_dim), "
                            "kv_lora_rank] = [" + std::to_string(heads * (nope + v)) + ", " + std::to_string(lora) +
                            "] as config.json says");
        const std::string blk = "blk." + m[1].str();
        return {TensorSlice{blk + ".attn_k_b.weight", {heads, lora, nope}, RowBlocks{lora, nope + v, 0, true}},
                TensorSlice{blk + ".attn_v_b.weight", {heads, v, lora}, RowBlocks{v, nope + v, nope, false}}};
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        check_deepseek2_config(c);
        const std::string a = "deepseek2";
        add_llama_family_hyperparameters(c, a, out);
        // MLA runs as multi-query attention over the latent: one KV head of kv_lora + rope.
        const uint64_t lora = c.require_uint("kv_lora_rank"), rope = c.require_uint("qk_rope_head_dim");
        out.set(a + ".attention.head_count_kv", uint32_t{1});
        out.set(a + ".leading_dense_block_count",
                static_cast<uint32_t>(c.optional_uint("first_k_dense_replace").value_or(0)));
        if (c.has("q_lora_rank") && !c.root()["q_lora_rank"].IsNull())
            out.set(a + ".attention.q_lora_rank", static_cast<uint32_t>(c.require_uint("q_lora_rank")));
        out.set(a + ".attention.kv_lora_rank", static_cast<uint32_t>(lora));
        out.set(a + ".attention.key_length", static_cast<uint32_t>(lora + rope));
        out.set(a + ".attention.value_length", static_cast<uint32_t>(lora));
        out.set(a + ".attention.key_length_mla", static_cast<uint32_t>(c.require_uint("qk_nope_head_dim") + rope));
        out.set(a + ".attention.value_length_mla", static_cast<uint32_t>(c.require_uint("v_head_dim")));
        out.set(a + ".rope.dimension_count", static_cast<uint32_t>(rope));
        out.set(a + ".expert_count", static_cast<uint32_t>(c.require_uint("n_routed_experts")));
        out.set(a + ".expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
        if (auto g = c.optional_uint("n_group")) out.set(a + ".expert_group_count", static_cast<uint32_t>(*g));
        if (auto g = c.optional_uint("topk_group")) out.set(a + ".expert_group_used_count", static_cast<uint32_t>(*g));
        out.set(a + ".expert_feed_forward_length", static_cast<uint32_t>(c.require_uint("moe_intermediate_size")));
        out.set(a + ".expert_shared_count", static_cast<uint32_t>(c.require_uint("n_shared_experts")));
        out.set(a + ".expert_gating_func", uint32_t{2}); // sigmoid
        if (auto scale = c.optional_number("routed_scaling_factor"))
            out.set(a + ".expert_weights_scale", static_cast<float>(*scale));
        if (c.optional_bool("norm_topk_prob").value_or(false)) out.set(a + ".expert_weights_norm", true);
        // YaRN's attention temperature: llama.cpp takes 0.1 * mscale_all_dim (and divides by 0.1 again).
        if (const rapidjson::Value *scaling = rope_scaling_of(c)) {
            auto all_dim = scaling->FindMember("mscale_all_dim");
            if (all_dim != scaling->MemberEnd() && all_dim->value.IsNumber())
                out.set(a + ".rope.scaling.yarn_log_multiplier", static_cast<float>(0.1 * all_dim->value.GetDouble()));
        }
    }
};

} // namespace

const Architecture &deepseek2_architecture() {
    static const Deepseek2Architecture arch;
    return arch;
}

} // namespace gmat
