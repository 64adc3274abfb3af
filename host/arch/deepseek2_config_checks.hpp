// The DeepseekV3ForCausalLM settings (DeepSeek-V3/R1/V3.1, Kimi K2) that
// llama.cpp's deepseek2 graph cannot reproduce, refused before anything is
// written.
#pragma once

#include "arch/hf_config.hpp"

namespace gmat {

// Throws naming config.json, the class and the field: routing other than
// sigmoid scores with the no-aux-loss top-k (scoring_func, topk_method),
// expert groups that do not divide the experts, no shared expert, a missing
// q_lora_rank where llama.cpp requires one, another activation.
void check_deepseek2_config(const HfConfig &config);

} // namespace gmat
