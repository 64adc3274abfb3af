// config.json checks the MoE classes share. Each refuses what llama.cpp's
// graph for the class does not compute, naming config.json, the HF class and
// the field (before anything is written).
#pragma once

#include "arch/hf_config.hpp"

#include <string>

namespace gmat {

struct MoeClass {
    const char *hf_class; // e.g. "Qwen3MoeForCausalLM"
    const char *arch;     // llama.cpp's name, e.g. "qwen3moe"
};

[[noreturn]] void refuse_moe_field(const HfConfig &config, const MoeClass &cls, const std::string &field,
                                   const std::string &why);

// experts_field (num_experts, n_routed_experts, ...) at least 1 and
// num_experts_per_tok between 1 and it.
void check_expert_counts(const HfConfig &config, const MoeClass &cls, const char *experts_field);

// decoder_sparse_step 1 and mlp_only_layers empty: llama.cpp builds experts in every layer.
void check_every_layer_sparse(const HfConfig &config, const MoeClass &cls);

// use_sliding_window not true and every layer_types entry full_attention.
void check_full_attention_only(const HfConfig &config, const MoeClass &cls);

// hidden_act silu (or absent).
void check_silu_experts(const HfConfig &config, const MoeClass &cls);

// DeepSeek-V3-style routing (DeepSeek-V3, GLM-4.5): a shared expert,
// n_group dividing the routed experts, topk_group between 1 and n_group,
// first_k_dense_replace at most num_hidden_layers (required when
// dense_first_required).
void check_grouped_sigmoid_routing(const HfConfig &config, const MoeClass &cls, bool dense_first_required);

} // namespace gmat
