// Qwen2-MoE: experts stacked per layer into ffn_{gate,up,down}_exps (as
// Mixtral's), a shared expert (ffn_*_shexp) scaled by the sigmoid of its
// one-row gate (ffn_gate_inp_shexp), run by llama.cpp's "qwen2moe" graph
// against the HF forward pass; config variants llama.cpp cannot run are
// refused naming the class and field.
#include "arch_model.hpp"
#include "config_variants.hpp"
#include "llama_cpp_checks.hpp"

#include "arch/architecture.hpp"
#include "quant_mix/converter_float_type.hpp"
#include "quant_mix/resolve_mix.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <map>

namespace gmat::test {
namespace {

// 8 experts turn on llama.cpp's 8-expert rules (attn_v/attn_k q8_0, attn_output
// q5_k). Expert rows of 384 are not whole 256-value super-blocks, like
// Qwen1.5-MoE's 1408: their K types fall back (q4_k -> q5_0, q6_k -> q8_0).
constexpr int kExperts = 8, kExpertsUsed = 2, kHidden = 256, kMoeFf = 384, kSharedFf = 512;
constexpr uint32_t kGgmlF32 = 0, kGgmlQ5_0 = 6, kGgmlQ8_0 = 8;

const ArchModel &qwen2moe() {
    static const ArchModel model = make_arch_model(
        "Qwen2MoeForCausalLM",
        {"--layers", "2", "--experts", std::to_string(kExperts), "--experts-used", std::to_string(kExpertsUsed),
         "--moe-intermediate", std::to_string(kMoeFf), "--shared-intermediate", std::to_string(kSharedFf)});
    return model;
}

TEST(Qwen2Moe, F32ExportMatchesTheHfForwardPass) {
    const oracle::GgufFile gguf(expect_f32_matches_hf(qwen2moe()));
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "qwen2moe");
    EXPECT_EQ(gguf.kv("qwen2moe.expert_count").as_int(), kExperts);
    EXPECT_EQ(gguf.kv("qwen2moe.expert_used_count").as_int(), kExpertsUsed);
    EXPECT_EQ(gguf.kv("qwen2moe.expert_feed_forward_length").as_int(), kMoeFf);
    EXPECT_EQ(gguf.kv("qwen2moe.expert_shared_feed_forward_length").as_int(), kSharedFf);
    EXPECT_EQ(gguf.tensor("blk.1.ffn_down_exps.weight").ne, (std::array<int64_t, 4>{kMoeFf, kHidden, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_exps.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_inp.weight").ne, (std::array<int64_t, 4>{kHidden, kExperts, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up_shexp.weight").ne, (std::array<int64_t, 4>{kHidden, kSharedFf, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_gate_inp_shexp.weight").ne, (std::array<int64_t, 4>{kHidden, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.attn_q.bias").ne, (std::array<int64_t, 4>{kHidden, 1, 1, 1}));
}

TEST(Qwen2Moe, Q4KMChoosesLlamaCppsTypesAndRuns) {
    const auto our_types = expect_q4_k_m_like_llama_cpp(qwen2moe());
    // The cases this model exists for, so a change to the model cannot quietly skip them.
    EXPECT_EQ(our_types.at("blk.0.ffn_gate_inp_shexp.weight"), kGgmlF32);
    EXPECT_EQ(our_types.at("blk.0.ffn_gate_inp.weight"), kGgmlF32);
    EXPECT_EQ(our_types.at("blk.0.ffn_down_exps.weight"), kGgmlQ5_0);
    EXPECT_EQ(our_types.at("blk.1.ffn_down_exps.weight"), kGgmlQ8_0);
}

// A config.json llama.cpp's qwen2moe can run (Qwen1.5-MoE's fields, small),
// with `changed` (field -> JSON value) replacing or adding fields.
HfConfig qwen2moe_config(const ConfigFields &changed = {}) {
    static const ConfigFields fields{
        {"architectures", R"(["Qwen2MoeForCausalLM"])"}, {"hidden_size", "256"}, {"intermediate_size", "512"},
        {"num_hidden_layers", "2"}, {"num_attention_heads", "4"}, {"num_key_value_heads", "2"},
        {"vocab_size", "512"}, {"hidden_act", R"("silu")"}, {"num_experts", "8"}, {"num_experts_per_tok", "2"},
        {"moe_intermediate_size", "384"}, {"shared_expert_intermediate_size", "512"}, {"norm_topk_prob", "false"},
        {"decoder_sparse_step", "1"}, {"mlp_only_layers", "[]"}, {"use_sliding_window", "false"},
        {"sliding_window", "4096"}, {"tie_word_embeddings", "false"}};
    return config_with(fields, changed);
}

std::string hyperparameter_error(const ConfigFields &changed) { return hyperparameter_error_of(qwen2moe_config(changed)); }

TEST(Qwen2Moe, SupportedConfigWritesTheExpertKeys) {
    EXPECT_EQ(hyperparameter_error({}), "");
    const HfConfig c = qwen2moe_config();
    Metadata md;
    architecture_for(c).add_hyperparameters(c, md);
    EXPECT_EQ(*md.get<uint32_t>("qwen2moe.feed_forward_length"), 512u);
    EXPECT_EQ(*md.get<uint32_t>("qwen2moe.expert_feed_forward_length"), 384u);
    EXPECT_EQ(*md.get<uint32_t>("qwen2moe.expert_shared_feed_forward_length"), 512u);
    EXPECT_EQ(md.get<uint32_t>("qwen2moe.attention.sliding_window"), nullptr);
}

TEST(Qwen2Moe, VariantsLlamaCppCannotRunAreRefusedNamingClassAndField) {
    const std::pair<const char *, const char *> refused[] = {
        {"decoder_sparse_step", "2"},
        {"mlp_only_layers", "[1]"},
        {"norm_topk_prob", "true"},
        {"use_sliding_window", "true"},
        {"tie_word_embeddings", "true"},
        {"hidden_act", R"("gelu")"},
        {"num_experts_per_tok", "9"},
        {"head_dim", "32"},
        {"layer_types", R"(["full_attention", "sliding_attention"])"},
    };
    for (const auto &[field, value] : refused) {
        const std::string err = hyperparameter_error({{field, value}});
        EXPECT_NE(err.find("Qwen2MoeForCausalLM"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find(std::string("'") + field + "'"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find("config.json"), std::string::npos) << field << " = " << value << ": " << err;
    }
}

TEST(Qwen2Moe, TensorNamesFollowLlamaCpp) {
    const Architecture &arch = architecture_for(qwen2moe_config());
    const std::pair<const char *, const char *> names[] = {
        {"model.layers.3.mlp.gate.weight", "blk.3.ffn_gate_inp.weight"},
        {"model.layers.3.mlp.shared_expert_gate.weight", "blk.3.ffn_gate_inp_shexp.weight"},
        {"model.layers.3.mlp.shared_expert.gate_proj.weight", "blk.3.ffn_gate_shexp.weight"},
        {"model.layers.3.mlp.shared_expert.up_proj.weight", "blk.3.ffn_up_shexp.weight"},
        {"model.layers.3.mlp.shared_expert.down_proj.weight", "blk.3.ffn_down_shexp.weight"},
        {"model.layers.3.mlp.experts.5.down_proj.weight", "blk.3.ffn_down_exps.weight"},
        {"model.layers.3.self_attn.k_proj.bias", "blk.3.attn_k.bias"},
    };
    for (const auto &[hf, gguf] : names) EXPECT_EQ(arch.gguf_tensor_name(hf).value_or("<none>"), gguf) << hf;
    const auto slot = arch.stacked_tensor("model.layers.3.mlp.experts.5.up_proj.weight");
    ASSERT_TRUE(slot.has_value());
    EXPECT_EQ(slot->gguf_name, "blk.3.ffn_up_exps.weight");
    EXPECT_EQ(slot->index, 5u);
    EXPECT_FALSE(arch.stacked_tensor("model.layers.3.mlp.shared_expert.up_proj.weight").has_value());
    // A dense MLP (a layer HF would build with mlp_only_layers) has no place in llama.cpp's qwen2moe.
    EXPECT_THROW(arch.gguf_tensor_name("model.layers.0.mlp.gate_proj.weight"), std::exception);
}

// convert_hf_to_gguf writes routers in F32 even from a BF16 checkpoint, and
// llama_model_quantize keeps them: a BF16 Qwen2-MoE must not keep BF16 routers.
TEST(Qwen2Moe, RoutersAreF32InTheUnquantizedGgufWhateverTheCheckpointType) {
    using quant_mix::unquantized_gguf_type;
    EXPECT_EQ(unquantized_gguf_type("blk.0.ffn_gate_inp_shexp.weight", 2, "bf16"), "f32");
    EXPECT_EQ(unquantized_gguf_type("blk.0.ffn_gate_inp.weight", 2, "f16"), "f32");
    EXPECT_EQ(unquantized_gguf_type("blk.0.ffn_norm.weight", 1, "bf16"), "f32");
    EXPECT_EQ(unquantized_gguf_type("blk.0.attn_q.bias", 1, "f16"), "f32");
    EXPECT_EQ(unquantized_gguf_type("blk.0.ffn_gate_shexp.weight", 2, "bf16"), "bf16");
    EXPECT_EQ(unquantized_gguf_type("blk.0.ffn_down_exps.weight", 2, "f16"), "f16");

    MixModel model{"qwen2moe", 1, 4, 2, kExperts, kHidden, true};
    std::vector<MixTensor> tensors{{"output.weight", {kHidden, 512}, "bf16"}};
    for (const char *name : {"blk.0.ffn_gate_inp_shexp.weight", "blk.0.ffn_gate_inp.weight"}) {
        const std::vector<uint64_t> ne{kHidden, std::string(name).find("shexp") != std::string::npos ? 1u : 8u};
        tensors.push_back({name, ne, unquantized_gguf_type(name, 2, "bf16")});
    }
    const std::vector<MixChoice> choices = resolve_mix("q4_k_m", model, tensors);
    EXPECT_EQ(choices[1].type, "f32") << choices[1].reason;
    EXPECT_EQ(choices[2].type, "f32") << choices[2].reason;
}

} // namespace
} // namespace gmat::test
