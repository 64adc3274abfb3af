// The Qwen2MoeForCausalLM settings llama.cpp's qwen2moe graph cannot
// reproduce, refused before anything is written.
#pragma once

#include "arch/hf_config.hpp"

namespace gmat {

// Throws naming config.json, the class and the field when the checkpoint
// needs something llama.cpp's qwen2moe does not compute: dense layers
// (decoder_sparse_step != 1, mlp_only_layers), renormalised top-k weights
// (norm_topk_prob), sliding-window attention, tied output, another activation.
void check_qwen2moe_config(const HfConfig &config);

} // namespace gmat
