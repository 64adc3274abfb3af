// One accessor per architecture file, for the list in architectures.cpp.
#pragma once

#include "arch/architecture.hpp"

namespace gmat {

const Architecture &qwen2_architecture();
const Architecture &qwen3_architecture();
const Architecture &phi3_architecture();
const Architecture &gemma2_architecture();
const Architecture &gemma3_architecture();
const Architecture &mixtral_architecture();
const Architecture &qwen2moe_architecture();
const Architecture &qwen3moe_architecture();
const Architecture &glm4moe_architecture();
const Architecture &deepseek2_architecture();
const Architecture &gpt_oss_architecture();

} // namespace gmat
