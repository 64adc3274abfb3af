// The Glm4MoeForCausalLM settings llama.cpp's glm4moe graph cannot
// reproduce, refused before anything is written.
#pragma once

#include "arch/hf_config.hpp"

namespace gmat {

// Throws naming config.json, the class and the field when the checkpoint
// needs something llama.cpp's glm4moe does not compute: no shared expert,
// expert groups that do not divide the experts, more chosen groups than
// groups, another activation, an MoE layer pattern other than
// first_k_dense_replace dense layers followed by MoE layers.
void check_glm4moe_config(const HfConfig &config);

} // namespace gmat
