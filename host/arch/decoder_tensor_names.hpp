// Tensor names shared by HF decoder-only checkpoints: model.embed_tokens,
// model.layers.N.<part>, model.norm, lm_head. Each architecture supplies the
// table of its per-layer parts.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace gmat {

struct DecoderTensorNames {
    std::string architecture;                       // for error messages, e.g. "qwen2"
    const std::map<std::string, std::string> *block; // "self_attn.q_proj.weight" -> "attn_q.weight"
    bool keep_lm_head = true;                       // false: lm_head is dropped (llama.cpp ties it)
};

// The parts of a Llama-style layer (attention q/k/v/o with optional biases,
// gated MLP, input and post-attention RMSNorm), for tables to start from.
std::map<std::string, std::string> llama_style_block_names();

// The GGUF name of hf_name; nullopt for tensors llama.cpp recomputes or drops;
// throws naming the tensor and the architecture for anything else.
std::optional<std::string> decoder_gguf_tensor_name(const std::string &hf_name, const DecoderTensorNames &names);

} // namespace gmat
