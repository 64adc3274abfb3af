// Pieces shared by architectures derived from Llama (hyperparameters, the q/k
// row order of llama.cpp's RoPE, Llama 3 rope scaling).
#pragma once

#include "arch/architecture.hpp"

#include <optional>
#include <string>

namespace gmat {

const Architecture &llama_architecture();

// head_dim from config.json, or hidden_size / num_attention_heads.
uint64_t llama_head_dim(const HfConfig &config);

// config.json's rope_scaling, or transformers 5's rope_parameters; nullptr when neither.
const rapidjson::Value *rope_scaling_of(const HfConfig &config);
// rope_theta, from the top level or rope_parameters; 10000 when absent.
double rope_theta_of(const HfConfig &config);

// <arch>.context_length, embedding_length, feed_forward_length, block_count,
// attention.head_count(_kv), rope.freq_base, rope.dimension_count,
// attention.layer_norm_rms_epsilon, vocab_size, key/value_length, rope scaling.
void add_llama_family_hyperparameters(const HfConfig &config, const std::string &arch, Metadata &out);

// HF stores each head's rotary pairs as (first half, second half); llama.cpp's
// "normal" RoPE rotates adjacent pairs. Reordering attn_q / attn_k rows per
// head (half i, j -> row 2i + j) makes the two compute the same thing.
RowPermutation llama_qk_row_permutation(const std::string &gguf_name, const std::vector<uint64_t> &shape,
                                        const HfConfig &config);

// Llama 3.x rope_scaling ("rope_type": "llama3") as the rope_freqs.weight
// factors llama.cpp multiplies into its frequencies; nullopt otherwise.
std::optional<GeneratedTensor> llama3_rope_frequency_factors(const HfConfig &config);

} // namespace gmat
