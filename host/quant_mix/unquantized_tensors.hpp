// The tensors llama.cpp's quantizer never touches, whatever the mix: they
// keep the type they have in the unquantized GGUF (F32 for 1-D tensors as
// convert_hf_to_gguf writes them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmat::quant_mix {

// ggml_n_dims: 1 + the index of the last dimension longer than 1 (so [4096, 1] is 1-D).
int significant_dims(const std::vector<uint64_t> &ne);

// Why llama.cpp keeps this tensor as it is ("1-D tensor", "norm", "MoE router (ffn_gate_inp)", ...),
// or nullopt when it is quantized.
std::optional<std::string> why_kept_unquantized(std::string_view gguf_name, const std::vector<uint64_t> &ne);

} // namespace gmat::quant_mix
