// The broad role of a tensor as llama.cpp's quantizer sees it, decided from
// the GGUF name alone (substring tests, first match wins, same order as
// llama.cpp) so it works for every architecture's naming.
#pragma once

#include <string_view>

namespace gmat::quant_mix {

enum class TensorRole {
    token_embd, // token_embd.weight, per_layer_token_embd.weight
    output,     // output.weight
    attn_q,
    attn_k,
    attn_v, // attn_v.weight, and the fused attn_qkv / attn_kv_b that carry V
    attn_output,
    ffn_up,
    ffn_gate, // also ffn_gate_exps, ffn_gate_shexp, ffn_gate_inp (routers stay unquantized anyway)
    ffn_down,
    other,
};

TensorRole tensor_role(std::string_view gguf_name);
std::string_view tensor_role_name(TensorRole role);

} // namespace gmat::quant_mix
