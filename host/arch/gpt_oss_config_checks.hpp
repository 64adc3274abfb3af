// The GptOssForCausalLM config.json fields llama.cpp's "gpt-oss" graph cannot
// compute as HF does, refused naming the file, the class and the field.
#pragma once

#include "arch/hf_config.hpp"

namespace gmat {

void check_gpt_oss_config(const HfConfig &config);

// Whether config.json's quantization_config says the experts ship as MXFP4
// (blocks [experts, rows, cols / 32, 16], rows = output features) rather than
// as HF's dequantized parameters ([experts, in, out]).
bool gpt_oss_experts_are_mxfp4(const HfConfig &config);

} // namespace gmat
