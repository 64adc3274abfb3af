// LlamaForCausalLM and MistralForCausalLM (llama.cpp's "llama" architecture).
#include "arch/architecture.hpp"
#include "arch/llama_family.hpp"

#include "common/error.hpp"

#include <cmath>
#include <map>
#include <regex>

namespace gmat {

namespace {

const std::map<std::string, std::string> &llama_block_names() {
    static const std::map<std::string, std::string> names{
        {"self_attn.q_proj.weight", "attn_q.weight"},     {"self_attn.k_proj.weight", "attn_k.weight"},
        {"self_attn.v_proj.weight", "attn_v.weight"},     {"self_attn.o_proj.weight", "attn_output.weight"},
        {"self_attn.q_proj.bias", "attn_q.bias"},         {"self_attn.k_proj.bias", "attn_k.bias"},
        {"self_attn.v_proj.bias", "attn_v.bias"},         {"self_attn.o_proj.bias", "attn_output.bias"},
        {"mlp.gate_proj.weight", "ffn_gate.weight"},      {"mlp.up_proj.weight", "ffn_up.weight"},
        {"mlp.down_proj.weight", "ffn_down.weight"},      {"input_layernorm.weight", "attn_norm.weight"},
        {"post_attention_layernorm.weight", "ffn_norm.weight"},
    };
    return names;
}

class LlamaArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "llama"; }
    std::vector<std::string> hf_classes() const override { return {"LlamaForCausalLM", "MistralForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (hf == "model.embed_tokens.weight") return "token_embd.weight";
        if (hf == "lm_head.weight") return "output.weight";
        if (hf == "model.norm.weight") return "output_norm.weight";
        static const std::regex block(R"(^model\.layers\.(\d+)\.(.+)$)");
        std::smatch m;
        if (std::regex_match(hf, m, block)) {
            if (m[2] == "self_attn.rotary_emb.inv_freq") return std::nullopt; // recomputed by llama.cpp
            auto it = llama_block_names().find(m[2]);
            if (it != llama_block_names().end()) return "blk." + m[1].str() + "." + it->second;
        }
        throw GmatError("tensor '" + hf + "' has no GGUF name in the llama architecture; map it explicitly in the "
                        "export config's tensor_map or exclude it at import (\"include\": false)");
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        add_llama_family_hyperparameters(c, "llama", out);
    }

    RowPermutation row_permutation(const std::string &gguf_name, const std::vector<uint64_t> &shape,
                                   const HfConfig &c) const override {
        return llama_qk_row_permutation(gguf_name, shape, c);
    }

    std::vector<GeneratedTensor> generated_tensors(const HfConfig &c) const override {
        std::vector<GeneratedTensor> out;
        if (auto freqs = llama3_rope_frequency_factors(c)) out.push_back(std::move(*freqs));
        return out;
    }
};

} // namespace

const Architecture &llama_architecture() {
    static const LlamaArchitecture arch;
    return arch;
}

} // namespace gmat
