// Glm4MoeForCausalLM (llama.cpp's "glm4moe"; GLM-4.5, 4.6, 4.5-Air): GQA
// attention with q/k/v biases, optional per-head q/k norms (use_qk_norm) and
// NEOX RoPE over the first partial_rotary_factor of each head; the first
// first_k_dense_replace layers keep a dense MLP, the others route tokens with
// sigmoid scores plus e_score_correction_bias (the bias only chooses; the
// unbiased scores, renormalised if norm_topk_prob and times
// routed_scaling_factor, weight the experts), in n_group groups of which
// topk_group are searched, and add n_shared_experts' fused shared MLP.
// The multi-token-prediction (NextN) layers after num_hidden_layers are kept
// as llama.cpp's converter keeps them: block_count counts them,
// nextn_predict_layers says how many, and their eh_proj / enorm / hnorm /
// shared_head tensors become blk.N.nextn.*; llama.cpp's main graph skips them.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/fused_experts.hpp"
#include "arch/glm4moe_config_checks.hpp"
#include "arch/llama_family.hpp"
#include "arch/supported_architectures.hpp"
#include "tokenizer/special_tokens.hpp"

#include <algorithm>


namespace gmat {

namespace {

std::map<std::string, std::string> glm4moe_block_names() {
    auto names = llama_style_block_names(); // dense MLP of the first layers included
    names.erase("self_attn.o_proj.bias");   // GLM's output projection has none; llama.cpp loads none
    names["post_attention_layernorm.weight"] = "post_attention_norm.weight";
    names["self_attn.q_norm.weight"] = "attn_q_norm.weight";
    names["self_attn.k_norm.weight"] = "attn_k_norm.weight";
    names["mlp.gate.weight"] = "ffn_gate_inp.weight";
    names["mlp.gate.e_score_correction_bias"] = "exp_probs_b.bias";
    names["mlp.shared_experts.gate_proj.weight"] = "ffn_gate_shexp.weight";
    names["mlp.shared_experts.up_proj.weight"] = "ffn_up_shexp.weight";
    names["mlp.shared_experts.down_proj.weight"] = "ffn_down_shexp.weight";
    // The NextN (multi-token prediction) layer's own parts.
    names["eh_proj.weight"] = "nextn.eh_proj.weight";
    names["enorm.weight"] = "nextn.enorm.weight";
    names["hnorm.weight"] = "nextn.hnorm.weight";
    names["embed_tokens.weight"] = "nextn.embed_tokens.weight";
    names["shared_head.head.weight"] = "nextn.shared_head_head.weight";
    names["shared_head.norm.weight"] = "nextn.shared_head_norm.weight";
    return names;
}

class Glm4MoeArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "glm4moe"; }
    std::vector<std::string> hf_classes() const override { return {"Glm4MoeForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (auto slot = stacked_tensor(hf)) return slot->gguf_name;
        if (auto fused = fused_expert_gguf_name(hf)) return fused;
        static const std::map<std::string, std::string> block = glm4moe_block_names();
        return decoder_gguf_tensor_name(hf, {"glm4moe", &block});
    }

    std::optional<StackedSlot> stacked_tensor(const std::string &hf) const override { return per_expert_slot(hf); }

    std::vector<TensorSlice> split_tensor(const std::string &hf, const std::vector<uint64_t> &shape,
                                          const HfConfig &) const override {
        return fused_gate_up_slices(hf, shape);
    }

    // llama.cpp counts the NextN layers as blocks (its quantizer's layer rules too).
    // llama.cpp's converter names GLM-4.5's tokenizer "glm4" (it recognises
    // the tokenizer by hashing what it makes of a test text); the tokenizer
    // files carry Llama 3's split regex, which alone reads as "llama-bpe", so
    // the name is set here. Its _set_vocab_glm also picks these special tokens
    // by text: bos [gMASK], eot <|user|>, unk <|endoftext|>, eom <|observation|>.
    void adjust_tokenizer(Metadata &md, const std::map<std::string, int64_t> &pinned) const override {
        if (const auto *pre = md.get<std::string>("tokenizer.ggml.pre"); pre && *pre == "llama-bpe")
            md.set("tokenizer.ggml.pre", std::string("glm4"));
        const auto *tokens = md.get<std::vector<std::string>>("tokenizer.ggml.tokens");
        if (!tokens) return;
        const std::pair<const char *, const char *> roles[] = {
            {"bos", "[gMASK]"}, {"eot", "<|user|>"}, {"unk", "<|endoftext|>"}, {"eom", "<|observation|>"}};
        for (const auto &[role, text] : roles) {
            if (pinned.count(role)) continue;
            const auto it = std::find(tokens->begin(), tokens->end(), text);
            if (it != tokens->end()) md.set(special_token_key(role), static_cast<uint32_t>(it - tokens->begin()));
        }
    }

    uint32_t block_count(const HfConfig &c) const override {
        return static_cast<uint32_t>(c.require_uint("num_hidden_layers") +
                                     c.optional_uint("num_nextn_predict_layers").value_or(0));
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        check_glm4moe_config(c);
        const std::string a = "glm4moe";
        add_llama_family_hyperparameters(c, a, out);
        out.set(a + ".block_count", block_count(c));
        const uint64_t head_dim = llama_head_dim(c);
        if (c.has("head_dim")) {
            out.set(a + ".attention.key_length", static_cast<uint32_t>(head_dim));
            out.set(a + ".attention.value_length", static_cast<uint32_t>(head_dim));
        }
        const double partial = c.optional_number("partial_rotary_factor").value_or(0.5);
        out.set(a + ".rope.dimension_count", static_cast<uint32_t>(static_cast<double>(head_dim) * partial));
        out.set(a + ".expert_count", static_cast<uint32_t>(c.require_uint("n_routed_experts")));
        out.set(a + ".expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
        if (auto g = c.optional_uint("n_group")) out.set(a + ".expert_group_count", static_cast<uint32_t>(*g));
        if (auto g = c.optional_uint("topk_group")) out.set(a + ".expert_group_used_count", static_cast<uint32_t>(*g));
        out.set(a + ".expert_feed_forward_length", static_cast<uint32_t>(c.require_uint("moe_intermediate_size")));
        out.set(a + ".expert_shared_count", static_cast<uint32_t>(c.require_uint("n_shared_experts")));
        out.set(a + ".leading_dense_block_count", static_cast<uint32_t>(c.require_uint("first_k_dense_replace")));
        out.set(a + ".expert_gating_func", uint32_t{2}); // sigmoid
        out.set(a + ".expert_weights_scale",
                static_cast<float>(c.optional_number("routed_scaling_factor").value_or(1.0)));
        if (auto norm = c.optional_bool("norm_topk_prob")) out.set(a + ".expert_weights_norm", *norm);
        if (auto nextn = c.optional_uint("num_nextn_predict_layers"))
            out.set(a + ".nextn_predict_layers", static_cast<uint32_t>(*nextn));
    }
};

} // namespace

const Architecture &glm4moe_architecture() {
    static const Glm4MoeArchitecture arch;
    return arch;
}

} // namespace gmat
