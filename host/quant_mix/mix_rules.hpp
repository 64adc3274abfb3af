// llama.cpp's per-tensor mix rules (llama_tensor_get_type_impl) for the mixes
// gmat accepts: which block type a quantizable tensor gets from its role, its
// layer, the model's shape and whether an importance matrix is given.
#pragma once

#include "quant_mix/block_type.hpp"
#include "quant_mix/mix.hpp"
#include "quant_mix/model_traits.hpp"
#include "quant_mix/tensor_role.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace gmat::quant_mix {

// Counters the rules read and advance, in llama.cpp's tensor order (see resolve_mix.cpp).
struct MixCounters {
    int n_attention_wv = 0; // attn_v-like tensors in the whole model
    int i_attention_wv = 0; // attn_v-like tensors quantized so far
    int i_ffn_down = 0;
    int i_ffn_gate = 0;
    int i_ffn_up = 0;
};

struct RuleChoice {
    BlockType type;
    std::string reason;
    bool row_forced = false; // output.weight whose row does not fit the base type -> q8_0
};

struct RuleInput {
    Mix mix;
    const ModelTraits &model;
    std::string_view name;
    uint64_t row_length;
    TensorRole role;
    bool tied_embeddings; // no output.weight: token_embd follows output's rule
};

// Only for quantizable tensors and quantized mixes; advances the counters as llama.cpp does.
// Throws GmatError when an expert model's ffn tensor name has no valid blk.N. layer.
RuleChoice choose_by_mix_rules(const RuleInput &input, MixCounters &counters);

} // namespace gmat::quant_mix
