// The few facts about a model that llama.cpp's mix rules branch on.
#pragma once

#include "quant_mix/mix_types.hpp"

#include <cstdint>

namespace gmat::quant_mix {

struct ModelTraits {
    bool is_falcon = false;    // falcon gets its own output and ffn_down rules
    bool is_70b_class = false; // llama.cpp's LLM_TYPE_70B: attn_v gets q5_k instead of q3_k/q4_k
    uint32_t gqa = 0;          // n_head / n_head_kv (integer), 0 when n_head_kv is 0
    uint32_t n_expert = 0;
    int n_layer = 0;
    bool has_imatrix = false;  // llama.cpp's qs.has_imatrix
};

// Throws GmatError when n_layer is 0.
ModelTraits model_traits(const MixModel &model);

} // namespace gmat::quant_mix
