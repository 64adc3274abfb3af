// Turns a quantization mix name (the export's default type, e.g. q4_k_m) into
// one block type per tensor, the way llama.cpp's llama-quantize picks them
// from an unquantized GGUF, with or without an importance matrix (MixModel::has_imatrix).
#pragma once

#include "quant_mix/mix_types.hpp"

#include <string_view>
#include <vector>

namespace gmat {

// One choice per tensor, in the order given. The order does not change the
// result: like llama.cpp, the positional counters (n-th attn_v, n-th ffn_down)
// follow llama.cpp's tensor order (non-layer tensors first, then by layer
// number, then by name), not file order.
//
// Throws GmatError for an unknown mix, duplicate or empty tensor entries,
// has_output_tensor disagreeing with the presence of output.weight, expert
// tensors without a valid blk.N. layer, and, without an importance matrix,
// any tensor whose type llama.cpp refuses to write without one
// (quant_mix/required_imatrix.hpp: q2_k in q2_k_s, ...).
std::vector<MixChoice> resolve_mix(std::string_view mix, const MixModel &model, const std::vector<MixTensor> &tensors);

} // namespace gmat
