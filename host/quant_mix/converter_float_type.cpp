#include "quant_mix/converter_float_type.hpp"

#include <array>

namespace gmat::quant_mix {
namespace {

// The suffixes of convert_hf_to_gguf's always-F32 tensor list that the
// architectures gmat converts can produce: the MoE routers. (Its list also
// has position embeddings, conv1d and RWKV weights of other architectures.)
constexpr std::array<std::string_view, 2> kAlwaysF32Suffixes{
    "ffn_gate_inp.weight",       // router of Mixtral, Qwen2-MoE, ...: [n_expert, hidden]
    "ffn_gate_inp_shexp.weight", // Qwen2-MoE's shared-expert gate: [1, hidden], 2-D in the checkpoint
};

} // namespace

std::string unquantized_gguf_type(std::string_view gguf_name, size_t pytorch_dims, std::string_view checkpoint_type) {
    if (pytorch_dims <= 1 || gguf_name.ends_with("_norm.weight")) return "f32";
    for (std::string_view suffix : kAlwaysF32Suffixes)
        if (gguf_name.ends_with(suffix)) return "f32";
    return std::string(checkpoint_type);
}

} // namespace gmat::quant_mix
