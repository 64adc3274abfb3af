// GLM-4.5 (Glm4MoeForCausalLM -> llama.cpp's "glm4moe"): partial NEOX RoPE,
// q/k/v biases and q/k head norms, a dense first layer, sigmoid routing
// corrected by e_score_correction_bias in expert groups, routed_scaling_factor,
// a shared expert, and the NextN layer kept as llama.cpp's converter keeps it
// (counted in block_count, its tensors named blk.N.nextn.*). Checked against
// the HF forward pass through llama.cpp and llama_model_quantize's Q4_K_M.
#include "arch_model.hpp"
#include "config_variants.hpp"
#include "llama_cpp_checks.hpp"

#include "arch/architecture.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <map>

namespace gmat::test {
namespace {

// Three main layers (the first dense) and one NextN layer; 8 experts in 2
// groups of which 1 is searched; head_dim 128 rotated over its first 64.
constexpr int kLayers = 3, kExperts = 8, kExpertsUsed = 2, kHidden = 256, kMoeFf = 256, kHeadDim = 128;
constexpr uint32_t kGgmlF32 = 0;

const ArchModel &glm4moe() {
    static const ArchModel model = make_arch_model(
        "Glm4MoeForCausalLM",
        {"--layers", std::to_string(kLayers), "--experts", std::to_string(kExperts), "--experts-used",
         std::to_string(kExpertsUsed), "--moe-intermediate", std::to_string(kMoeFf), "--head-dim",
         std::to_string(kHeadDim), "--norm-topk-prob", "--routed-scaling", "2.5", "--expert-groups", "2",
         "--expert-groups-used", "1", "--qk-norm", "--dense-layers", "1", "--nextn-layers", "1"});
    return model;
}

TEST(Glm4Moe, F32ExportMatchesTheHfForwardPass) {
    const oracle::GgufFile gguf(expect_f32_matches_hf(glm4moe()));
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "glm4moe");
    EXPECT_EQ(gguf.kv("glm4moe.block_count").as_int(), kLayers + 1);
    EXPECT_EQ(gguf.kv("glm4moe.nextn_predict_layers").as_int(), 1);
    EXPECT_EQ(gguf.kv("glm4moe.rope.dimension_count").as_int(), kHeadDim / 2);
    EXPECT_EQ(gguf.kv("glm4moe.leading_dense_block_count").as_int(), 1);
    EXPECT_EQ(gguf.kv("glm4moe.expert_gating_func").as_int(), 2);
    EXPECT_EQ(gguf.kv("glm4moe.expert_group_count").as_int(), 2);
    EXPECT_EQ(gguf.kv("glm4moe.expert_shared_count").as_int(), 1);
    EXPECT_EQ(gguf.tensor("blk.0.ffn_down.weight").ne, (std::array<int64_t, 4>{512, kHidden, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_down_exps.weight").ne, (std::array<int64_t, 4>{kMoeFf, kHidden, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.exp_probs_b.bias").ne, (std::array<int64_t, 4>{kExperts, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.2.ffn_up_shexp.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.post_attention_norm.weight").ne, (std::array<int64_t, 4>{kHidden, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.3.nextn.eh_proj.weight").ne, (std::array<int64_t, 4>{2 * kHidden, kHidden, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.3.nextn.shared_head_norm.weight").ne, (std::array<int64_t, 4>{kHidden, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.3.ffn_gate_exps.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, kExperts, 1}));
}

TEST(Glm4Moe, Q4KMFromBf16ChoosesLlamaCppsTypesAndRuns) {
    const auto our_types = expect_q4_k_m_like_llama_cpp(glm4moe(), "bf16");
    EXPECT_EQ(our_types.at("blk.1.ffn_gate_inp.weight"), kGgmlF32);
    EXPECT_EQ(our_types.at("blk.1.exp_probs_b.bias"), kGgmlF32);
}

// GLM-4.5-Air's config.json fields, small; `changed` replaces or adds fields.
HfConfig glm4moe_config(const ConfigFields &changed = {}) {
    static const ConfigFields fields{
        {"architectures", R"(["Glm4MoeForCausalLM"])"}, {"hidden_size", "256"}, {"intermediate_size", "512"},
        {"num_hidden_layers", "3"}, {"num_attention_heads", "4"}, {"num_key_value_heads", "2"},
        {"head_dim", "128"}, {"vocab_size", "512"}, {"hidden_act", R"("silu")"}, {"n_routed_experts", "8"},
        {"num_experts_per_tok", "2"}, {"moe_intermediate_size", "256"}, {"n_shared_experts", "1"},
        {"first_k_dense_replace", "1"}, {"num_nextn_predict_layers", "1"}, {"n_group", "1"}, {"topk_group", "1"},
        {"norm_topk_prob", "true"}, {"routed_scaling_factor", "1.0"}, {"partial_rotary_factor", "0.5"},
        {"attention_bias", "true"}, {"use_qk_norm", "false"}, {"tie_word_embeddings", "false"}};
    return config_with(fields, changed);
}

std::string hyperparameter_error(const ConfigFields &changed) { return hyperparameter_error_of(glm4moe_config(changed)); }

TEST(Glm4Moe, VariantsLlamaCppCannotRunAreRefusedNamingClassAndField) {
    EXPECT_EQ(hyperparameter_error({}), "");
    const std::pair<const char *, const char *> refused[] = {
        {"n_shared_experts", "0"}, {"n_group", "3"},           {"topk_group", "2"},
        {"hidden_act", R"("gelu")"}, {"num_experts_per_tok", "9"}, {"first_k_dense_replace", "4"},
        {"decoder_sparse_step", "2"}, {"partial_rotary_factor", "0"},
    };
    for (const auto &[field, value] : refused) {
        const std::string err = hyperparameter_error({{field, value}});
        EXPECT_NE(err.find("Glm4MoeForCausalLM"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find(std::string("'") + field + "'"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find("config.json"), std::string::npos) << field << " = " << value << ": " << err;
    }
}

TEST(Glm4Moe, TensorNamesFollowLlamaCpp) {
    const Architecture &arch = architecture_for(glm4moe_config());
    const std::pair<const char *, const char *> names[] = {
        {"model.layers.3.mlp.gate.e_score_correction_bias", "blk.3.exp_probs_b.bias"},
        {"model.layers.3.mlp.shared_experts.down_proj.weight", "blk.3.ffn_down_shexp.weight"},
        {"model.layers.3.post_attention_layernorm.weight", "blk.3.post_attention_norm.weight"},
        {"model.layers.0.mlp.gate_proj.weight", "blk.0.ffn_gate.weight"},
        {"model.layers.46.eh_proj.weight", "blk.46.nextn.eh_proj.weight"},
        {"model.layers.46.enorm.weight", "blk.46.nextn.enorm.weight"},
        {"model.layers.46.shared_head.head.weight", "blk.46.nextn.shared_head_head.weight"},
        {"model.layers.46.embed_tokens.weight", "blk.46.nextn.embed_tokens.weight"},
    };
    for (const auto &[hf, gguf] : names) EXPECT_EQ(arch.gguf_tensor_name(hf).value_or("<none>"), gguf) << hf;
    EXPECT_THROW(arch.gguf_tensor_name("model.layers.0.self_attn.o_proj.bias"), std::exception);
}

} // namespace
} // namespace gmat::test
