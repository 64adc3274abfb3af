// llama.cpp's tensor_requires_imatrix: the tensors llama_model_quantize refuses
// to write without an importance matrix ("the result will be garbage").
#pragma once

#include "quant_mix/mix.hpp"

#include <optional>
#include <string_view>

namespace gmat::quant_mix {

// True for a tensor of type iq1_s, iq1_m, iq2_xxs, iq2_xs, iq2_s or iq3_xxs, and
// for q2_k inside a q2_k_s file (mix); never for token_embd, per_layer_token_embd
// or output, which llama.cpp exempts. `type` is a block type name, any case.
bool requires_imatrix(std::string_view tensor_name, std::string_view type, std::optional<Mix> mix);

} // namespace gmat::quant_mix
