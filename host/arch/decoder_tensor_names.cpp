#include "arch/decoder_tensor_names.hpp"

#include "common/error.hpp"

#include <regex>

namespace gmat {

std::map<std::string, std::string> llama_style_block_names() {
    return {
        {"self_attn.q_proj.weight", "attn_q.weight"},     {"self_attn.k_proj.weight", "attn_k.weight"},
        {"self_attn.v_proj.weight", "attn_v.weight"},     {"self_attn.o_proj.weight", "attn_output.weight"},
        {"self_attn.q_proj.bias", "attn_q.bias"},         {"self_attn.k_proj.bias", "attn_k.bias"},
        {"self_attn.v_proj.bias", "attn_v.bias"},         {"self_attn.o_proj.bias", "attn_output.bias"},
        {"mlp.gate_proj.weight", "ffn_gate.weight"},      {"mlp.up_proj.weight", "ffn_up.weight"},
        {"mlp.down_proj.weight", "ffn_down.weight"},      {"input_layernorm.weight", "attn_norm.weight"},
        {"post_attention_layernorm.weight", "ffn_norm.weight"},
    };
}

std::optional<std::string> decoder_gguf_tensor_name(const std::string &hf, const DecoderTensorNames &names) {
    if (hf == "model.embed_tokens.weight") return "token_embd.weight";
    if (hf == "model.norm.weight") return "output_norm.weight";
    if (hf == "lm_head.weight") return names.keep_lm_head ? std::optional<std::string>("output.weight") : std::nullopt;
    static const std::regex block(R"(^model\.layers\.(\d+)\.(.+)$)");
    std::smatch m;
    if (std::regex_match(hf, m, block)) {
        if (m[2] == "self_attn.rotary_emb.inv_freq") return std::nullopt; // recomputed by llama.cpp
        auto it = names.block->find(m[2]);
        if (it != names.block->end()) return "blk." + m[1].str() + "." + it->second;
    }
    throw GmatError("tensor '" + hf + "' has no GGUF name in the " + names.architecture +
                    " architecture; map it explicitly in the export config's tensor_map or exclude it at import "
                    "(\"include\": false)");
}

} // namespace gmat
