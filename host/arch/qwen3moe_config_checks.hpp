// The Qwen3MoeForCausalLM settings llama.cpp's qwen3moe graph cannot
// reproduce, refused before anything is written.
#pragma once

#include "arch/hf_config.hpp"

namespace gmat {

// Throws naming config.json, the class and the field when the checkpoint
// needs something llama.cpp's qwen3moe does not compute: dense layers
// (decoder_sparse_step != 1, mlp_only_layers), top-k weights left
// unnormalised (norm_topk_prob false: llama.cpp always renormalises them),
// sliding-window attention, attention biases, another activation.
void check_qwen3moe_config(const HfConfig &config);

} // namespace gmat
