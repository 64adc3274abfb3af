// Inputs and output of resolve_mix: the tensors of one model as they will be
// written to GGUF, the hyperparameters llama.cpp's mix rules look at, and the
// type chosen for each tensor with the rule that chose it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat {

struct MixTensor {
    std::string name;         // GGUF name, e.g. blk.3.attn_v.weight
    std::vector<uint64_t> ne; // ggml order, ne[0] = row length
    // Type in the unquantized GGUF (f32, f16 or bf16). Tensors llama.cpp never
    // quantizes (norms, 1-D tensors, MoE routers, position embeddings...) keep it.
    std::string source_type = "f32";
};

struct MixModel {
    std::string architecture;      // general.architecture: llama, qwen2, falcon...
    uint32_t n_layer = 0;          // {arch}.block_count
    uint32_t n_head = 0;           // {arch}.attention.head_count (layer 0's when per layer)
    uint32_t n_head_kv = 0;        // {arch}.attention.head_count_kv, or n_head when the key is absent
    uint32_t n_expert = 0;         // {arch}.expert_count, 0 for dense models
    uint32_t n_embd = 0;           // {arch}.embedding_length; no rule for these mixes reads it
    bool has_output_tensor = true; // false: tied embeddings (no output.weight), token_embd gets output's type
    // An importance matrix is given (llama_model_quantize_params.imatrix non-null): some rules differ with one,
    // and the types llama.cpp refuses to write without one are allowed.
    bool has_imatrix = false;
};

struct MixChoice {
    std::string type;      // block type name as the quant plugins spell it: q4_k, q6_k, f16...
    std::string reason;    // e.g. "attn_v #0 of 16 in q4_k_m: more bits in the first 1/8 of layers -> q6_k"
    bool fallback = false; // the row length forced a different type than the mix's rule picked
};

} // namespace gmat
