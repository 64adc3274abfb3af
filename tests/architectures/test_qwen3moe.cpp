// Qwen3-MoE: Qwen3's attention (per-head q/k norms, head_dim of its own)
// with routed experts in every layer, their top-k weights renormalised
// (norm_topk_prob), stacked per layer into ffn_{gate,up,down}_exps; run by
// llama.cpp's "qwen3moe" graph against the HF forward pass, from per-expert
// tensors and from the fused 3-D experts transformers 5 saves. Config
// variants llama.cpp cannot run are refused naming the class and field.
#include "arch_model.hpp"
#include "config_variants.hpp"
#include "llama_cpp_checks.hpp"

#include "arch/architecture.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <map>

namespace gmat::test {
namespace {

// 8 experts turn on llama.cpp's 8-expert rules; head_dim 128 with hidden 256
// and 4 heads (q is 512 wide, as in Qwen3-30B-A3B) needs key_length.
constexpr int kExperts = 8, kExpertsUsed = 2, kHidden = 256, kMoeFf = 256, kHeadDim = 128;
constexpr uint32_t kGgmlF32 = 0;

std::vector<std::string> qwen3moe_args(bool fused) {
    std::vector<std::string> args{"--layers", "2", "--experts", std::to_string(kExperts), "--experts-used",
                                  std::to_string(kExpertsUsed), "--moe-intermediate", std::to_string(kMoeFf),
                                  "--head-dim", std::to_string(kHeadDim), "--norm-topk-prob"};
    if (fused) args.push_back("--fused-experts");
    return args;
}

const ArchModel &qwen3moe() {
    static const ArchModel model = make_arch_model("Qwen3MoeForCausalLM", qwen3moe_args(false));
    return model;
}

void expect_qwen3moe_layout(const oracle::GgufFile &gguf) {
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "qwen3moe");
    EXPECT_EQ(gguf.kv("qwen3moe.expert_count").as_int(), kExperts);
    EXPECT_EQ(gguf.kv("qwen3moe.expert_used_count").as_int(), kExpertsUsed);
    EXPECT_EQ(gguf.kv("qwen3moe.expert_feed_forward_length").as_int(), kMoeFf);
    EXPECT_EQ(gguf.kv("qwen3moe.attention.key_length").as_int(), kHeadDim);
    EXPECT_EQ(gguf.tensor("blk.1.ffn_down_exps.weight").ne, (std::array<int64_t, 4>{kMoeFf, kHidden, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_exps.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up_exps.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_inp.weight").ne, (std::array<int64_t, 4>{kHidden, kExperts, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.attn_q_norm.weight").ne, (std::array<int64_t, 4>{kHeadDim, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.attn_q.weight").ne, (std::array<int64_t, 4>{kHidden, 4 * kHeadDim, 1, 1}));
}

TEST(Qwen3Moe, F32ExportMatchesTheHfForwardPass) {
    expect_qwen3moe_layout(oracle::GgufFile(expect_f32_matches_hf(qwen3moe())));
}

TEST(Qwen3Moe, Q4KMFromBf16ChoosesLlamaCppsTypesAndRuns) {
    const auto our_types = expect_q4_k_m_like_llama_cpp(qwen3moe(), "bf16");
    EXPECT_EQ(our_types.at("blk.0.ffn_gate_inp.weight"), kGgmlF32);
}

// transformers 5 saves each layer's experts as two 3-D tensors; gmat reads
// them directly (gate_up_proj cut into ffn_gate_exps and ffn_up_exps) and
// writes what the per-expert checkpoint of the same values gives.
TEST(Qwen3Moe, FusedExpertCheckpointExportsLikePerExpertTensors) {
    static const ArchModel fused = make_arch_model("Qwen3MoeForCausalLM", qwen3moe_args(true), "fused");
    const oracle::GgufFile gguf(expect_f32_matches_hf(fused));
    expect_qwen3moe_layout(gguf);
    const oracle::GgufFile ours(export_model(fused, "q4_k_m"));
    const oracle::GgufFile per_expert(export_model(qwen3moe(), "q4_k_m"));
    ASSERT_EQ(ours.tensors().size(), per_expert.tensors().size());
    for (const auto &t : per_expert.tensors()) {
        const auto mine = ours.tensor(t.name);
        EXPECT_EQ(mine.type, t.type) << t.name;
        EXPECT_EQ(ours.read_tensor_data(mine), per_expert.read_tensor_data(t))
            << t.name << ": the fused checkpoint's Q4_K_M bytes differ from the per-expert one's";
    }
}

// A config.json llama.cpp's qwen3moe can run (Qwen3-30B-A3B's fields, small),
// with `changed` (field -> JSON value) replacing or adding fields.
HfConfig qwen3moe_config(const ConfigFields &changed = {}) {
    static const ConfigFields fields{
        {"architectures", R"(["Qwen3MoeForCausalLM"])"}, {"hidden_size", "256"}, {"intermediate_size", "512"},
        {"num_hidden_layers", "2"}, {"num_attention_heads", "4"}, {"num_key_value_heads", "2"},
        {"head_dim", "128"}, {"vocab_size", "512"}, {"hidden_act", R"("silu")"}, {"num_experts", "8"},
        {"num_experts_per_tok", "2"}, {"moe_intermediate_size", "256"}, {"norm_topk_prob", "true"},
        {"decoder_sparse_step", "1"}, {"mlp_only_layers", "[]"}, {"use_sliding_window", "false"},
        {"sliding_window", "null"}, {"attention_bias", "false"}, {"tie_word_embeddings", "false"}};
    return config_with(fields, changed);
}

std::string hyperparameter_error(const ConfigFields &changed) { return hyperparameter_error_of(qwen3moe_config(changed)); }

TEST(Qwen3Moe, SupportedConfigsWriteTheExpertKeys) {
    EXPECT_EQ(hyperparameter_error({}), "");
    EXPECT_EQ(hyperparameter_error({{"tie_word_embeddings", "true"}}), ""); // llama.cpp falls back to token_embd
    const HfConfig c = qwen3moe_config();
    Metadata md;
    architecture_for(c).add_hyperparameters(c, md);
    EXPECT_EQ(*md.get<uint32_t>("qwen3moe.feed_forward_length"), 512u);
    EXPECT_EQ(*md.get<uint32_t>("qwen3moe.expert_feed_forward_length"), 256u);
    EXPECT_EQ(*md.get<uint32_t>("qwen3moe.attention.value_length"), 128u);
    EXPECT_EQ(md.get<uint32_t>("qwen3moe.expert_shared_feed_forward_length"), nullptr);
}

// transformers 5 writes rope_theta (and any scaling) inside rope_parameters.
TEST(Qwen3Moe, RopeParametersOfTransformers5AreRead) {
    const HfConfig c = qwen3moe_config(
        {{"rope_parameters", R"({"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 4.0, )"
                             R"("original_max_position_embeddings": 32768, "beta_fast": 32.0})"}});
    Metadata md;
    architecture_for(c).add_hyperparameters(c, md);
    EXPECT_FLOAT_EQ(*md.get<float>("qwen3moe.rope.freq_base"), 1000000.0f);
    EXPECT_EQ(*md.get<std::string>("qwen3moe.rope.scaling.type"), "yarn");
    EXPECT_FLOAT_EQ(*md.get<float>("qwen3moe.rope.scaling.factor"), 4.0f);
    EXPECT_EQ(*md.get<uint32_t>("qwen3moe.rope.scaling.original_context_length"), 32768u);
    EXPECT_FLOAT_EQ(*md.get<float>("qwen3moe.rope.scaling.yarn_beta_fast"), 32.0f);
}

TEST(Qwen3Moe, VariantsLlamaCppCannotRunAreRefusedNamingClassAndField) {
    const std::pair<const char *, const char *> refused[] = {
        {"decoder_sparse_step", "2"},
        {"mlp_only_layers", "[0]"},
        {"norm_topk_prob", "false"},
        {"use_sliding_window", "true"},
        {"attention_bias", "true"},
        {"hidden_act", R"("gelu")"},
        {"num_experts_per_tok", "9"},
        {"num_experts", "0"},
        {"layer_types", R"(["full_attention", "sliding_attention"])"},
    };
    for (const auto &[field, value] : refused) {
        const std::string err = hyperparameter_error({{field, value}});
        EXPECT_NE(err.find("Qwen3MoeForCausalLM"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find(std::string("'") + field + "'"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find("config.json"), std::string::npos) << field << " = " << value << ": " << err;
    }
}

TEST(Qwen3Moe, TensorNamesFollowLlamaCpp) {
    const Architecture &arch = architecture_for(qwen3moe_config());
    const std::pair<const char *, const char *> names[] = {
        {"model.layers.3.mlp.gate.weight", "blk.3.ffn_gate_inp.weight"},
        {"model.layers.3.self_attn.q_norm.weight", "blk.3.attn_q_norm.weight"},
        {"model.layers.3.self_attn.k_norm.weight", "blk.3.attn_k_norm.weight"},
        {"model.layers.3.mlp.experts.5.down_proj.weight", "blk.3.ffn_down_exps.weight"},
        {"model.layers.3.mlp.experts.5.gate_proj.weight", "blk.3.ffn_gate_exps.weight"},
    };
    for (const auto &[hf, gguf] : names) EXPECT_EQ(arch.gguf_tensor_name(hf).value_or("<none>"), gguf) << hf;
    // A dense MLP or an attention bias has no place in llama.cpp's qwen3moe.
    EXPECT_THROW(arch.gguf_tensor_name("model.layers.0.mlp.gate_proj.weight"), std::exception);
    EXPECT_THROW(arch.gguf_tensor_name("model.layers.0.self_attn.q_proj.bias"), std::exception);

    // Fused stacks: gate_up_proj is cut in two, down_proj is ffn_down_exps as it is.
    const auto slices = arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj", {8, 512, 256}, qwen3moe_config());
    ASSERT_EQ(slices.size(), 2u);
    EXPECT_EQ(slices[0].gguf_name, "blk.2.ffn_gate_exps.weight");
    EXPECT_EQ(slices[1].gguf_name, "blk.2.ffn_up_exps.weight");
    EXPECT_EQ(slices[1].shape, (std::vector<uint64_t>{8, 256, 256}));
    EXPECT_EQ(slices[0].rows.source_row(256 + 3), 512u + 3u); // expert 1's gate row 3
    EXPECT_EQ(slices[1].rows.source_row(256 + 3), 512u + 256u + 3u); // expert 1's up row 3
    EXPECT_EQ(arch.gguf_tensor_name("model.layers.2.mlp.experts.down_proj").value_or("<none>"),
              "blk.2.ffn_down_exps.weight");
    EXPECT_TRUE(arch.split_tensor("model.layers.2.mlp.experts.down_proj", {8, 256, 256}, qwen3moe_config()).empty());
    try {
        arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj", {8, 511, 256}, qwen3moe_config());
        ADD_FAILURE() << "an odd gate_up_proj was accepted";
    } catch (const std::exception &e) {
        EXPECT_NE(std::string(e.what()).find("model.layers.2.mlp.experts.gate_up_proj"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gmat::test
