// Expert stacks of HF MoE checkpoints. Per expert, as transformers 4 saves
// them: model.layers.N.mlp.experts.E.{gate,up,down}_proj.weight is slot E of
// blk.N.ffn_{gate,up,down}_exps.weight. Fused, as transformers 5 saves them:
// one 3-D tensor per projection instead of one 2-D tensor per expert.
//   model.layers.N.mlp.experts.gate_up_proj [experts, 2 * ff, hidden]: each
//     expert's gate rows, then its up rows (split by llama.cpp's converter
//     into ffn_gate_exps and ffn_up_exps);
//   model.layers.N.mlp.experts.down_proj [experts, hidden, ff]: already
//     ffn_down_exps' layout.
// Either may carry a ".weight" suffix.
#pragma once

#include "arch/architecture.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gmat {

// The stacked GGUF tensor and slot of a per-expert projection
// (model.layers.N.mlp.experts.E.{gate,up,down}_proj.weight); nullopt for any
// other tensor.
std::optional<StackedSlot> per_expert_slot(const std::string &hf_name);

// The GGUF name of a fused stack under "model.layers.N.mlp.experts."
// (gate_up_proj answers with ffn_gate_exps, the role recommendations look
// at); nullopt for any other tensor.
std::optional<std::string> fused_expert_gguf_name(const std::string &hf_name);

// gate_up_proj cut into ffn_gate_exps and ffn_up_exps; empty for any other
// tensor. Throws naming the tensor when its shape is not [experts, 2 * ff, hidden].
std::vector<TensorSlice> fused_gate_up_slices(const std::string &hf_name, const std::vector<uint64_t> &shape);

} // namespace gmat
