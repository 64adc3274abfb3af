// The float type a tensor has in the unquantized GGUF that llama.cpp's
// quantizer starts from. convert_hf_to_gguf writes most tensors in the
// checkpoint's type (or its --outtype) but forces F32 on a few it expects to
// stay unquantized: 1-D tensors, norms and MoE routers, including
// Qwen2-MoE's one-row shared-expert gate. llama_model_quantize then keeps
// those as they are, so a mix reproduces llama.cpp's file only if it starts
// from these types (MixTensor::source_type).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gmat::quant_mix {

// "f32" when convert_hf_to_gguf forces F32 on gguf_name (pytorch_dims is the
// checkpoint tensor's rank, before any expert stacking), else checkpoint_type.
std::string unquantized_gguf_type(std::string_view gguf_name, size_t pytorch_dims, std::string_view checkpoint_type);

} // namespace gmat::quant_mix
