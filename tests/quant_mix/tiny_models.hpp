// Tiny model layouts for comparing resolve_mix with llama.cpp's quantizer:
// names, shapes and float types of every tensor plus the hyperparameters,
// small enough that llama_model_quantize finishes in a fraction of a second.
// Only ne[0] (row length) matters to the mix rules, so rows are few where
// the real shape would be large.
#pragma once

#include "quant_mix/mix_types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace quant_mix_test {

struct TinyTensor {
    std::string name;
    std::vector<uint64_t> ne; // ggml order
    std::string type;         // f32 or f16
};

struct TinyModel {
    std::string label; // test name part
    gmat::MixModel model;
    std::vector<TinyTensor> tensors; // in the order they are written to the GGUF
};

struct DenseShape {
    uint32_t n_layer = 16;
    uint32_t n_embd = 256;
    uint32_t n_ff = 512;
    uint32_t n_head = 8;
    uint32_t n_head_kv = 2;
    uint32_t n_vocab = 512;
    bool tied = false;
    // Rows per 2-D weight are capped: the rules read only ne[0], and fewer rows keep
    // llama.cpp's quantizer (iq4 searches especially) fast.
    uint64_t max_rows = 32;
};

// A llama model, written last layer first to show that file order does not matter.
TinyModel dense_llama(const std::string &label, const DenseShape &shape);
// dense_llama plus tensors that exercise llama.cpp's special cases: 1-D and
// [n, 1] tensors, a router, position/token-type embeddings, a non-"weight"
// name, a fused attn_qkv and an extra ffn_down that shift the positional counters.
TinyModel dense_llama_with_oddities(const std::string &label, const DenseShape &shape);
// A llama MoE model: ffn_{gate,up,down}_exps of n_expert experts and an ffn_gate_inp router.
TinyModel moe_llama(const std::string &label, uint32_t n_layer, uint32_t n_expert);
// An 80-layer llama holding only attn_v / ffn_down per layer (llama.cpp's 70B rule
// needs 80 layers; with n_head == n_head_kv it is the 65B class instead).
TinyModel llama_80_layers(const std::string &label, uint32_t n_head_kv);
// A falcon model with fused attn_qkv, which has its own output and ffn_down rules.
TinyModel falcon(const std::string &label);

std::vector<gmat::MixTensor> mix_tensors(const TinyModel &model);

} // namespace quant_mix_test
