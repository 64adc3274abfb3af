// What Gemma2ForCausalLM and Gemma3ForCausalLM share: sandwich norms stored as
// w where llama.cpp multiplies by the stored value (HF computes x * (1 + w)),
// sliding-window layers, and an attention scale llama.cpp derives itself.
#pragma once

#include "arch/architecture.hpp"

#include <map>
#include <string>

namespace gmat {

// Llama's layer parts plus the pre/post feed-forward norms; with q/k head
// norms when qk_norm is set (Gemma3).
std::map<std::string, std::string> gemma_block_names(bool qk_norm);

// Whether a GGUF tensor is one of the RMSNorm weights Gemma stores as w.
bool is_gemma_norm(const std::string &gguf_name);

// values[i] = 1 + values[i]: what llama.cpp multiplies by.
void add_one(float *values, uint64_t n);

struct GemmaTraits {
    std::string arch;                  // "gemma2" / "gemma3"
    uint32_t default_window_pattern;   // llama.cpp's default when no pattern key is written
    uint64_t n_layer_scaled_by_embd;   // the layer count llama.cpp treats as 27B (scale by n_embd/n_head)
};

// The Llama-family keys plus key/value length, sliding window and its
// per-layer pattern; checks the attention scale and activation llama.cpp assumes.
void add_gemma_hyperparameters(const HfConfig &config, const GemmaTraits &traits, Metadata &out);

} // namespace gmat
