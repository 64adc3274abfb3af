// The accessor for architectures.cpp's list (Qwen2MoeForCausalLM).
#pragma once

#include "arch/architecture.hpp"

namespace gmat {

const Architecture &qwen2moe_architecture();

} // namespace gmat
