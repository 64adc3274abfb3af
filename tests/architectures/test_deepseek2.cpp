// DeepSeek-V3 (DeepseekV3ForCausalLM -> llama.cpp's "deepseek2"; Kimi K2 uses
// the same class): multi-head latent attention with kv_b_proj cut per head
// into attn_k_b (transposed) and attn_v_b as llama.cpp's converter writes
// them, YaRN with mscale, a dense first layer, sigmoid routing corrected by
// e_score_correction_bias over expert groups, routed_scaling_factor, a shared
// expert, and the multi-token-prediction layer left out. Checked against the
// HF forward pass through llama.cpp and llama_model_quantize's Q4_K_M.
#include "arch_model.hpp"
#include "config_variants.hpp"
#include "llama_cpp_checks.hpp"

#include "arch/architecture.hpp"
#include "config/export_config.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <algorithm>
#include <map>

namespace gmat::test {
namespace {

// 3 main layers (the first dense) and one MTP layer in the checkpoint; 8
// experts in 4 groups of which 2 are searched; 4 heads of 32 + 16 rotary
// query/key dims, 32 value dims; latents of 64 (q) and 64 (kv).
constexpr int kLayers = 3, kExperts = 8, kHidden = 256, kMoeFf = 256, kHeads = 4;
constexpr int kNope = 32, kRope = 16, kV = 32, kKvLora = 64, kQLora = 64;
constexpr uint32_t kGgmlF32 = 0;

const ArchModel &deepseek() {
    static const ArchModel model = make_arch_model(
        "DeepseekV3ForCausalLM",
        {"--layers", std::to_string(kLayers), "--heads", std::to_string(kHeads), "--experts", std::to_string(kExperts),
         "--experts-used", "2", "--moe-intermediate", std::to_string(kMoeFf), "--norm-topk-prob", "--routed-scaling",
         "2.5", "--expert-groups", "4", "--expert-groups-used", "2", "--yarn-factor", "4", "--dense-layers", "1",
         "--nextn-layers", "1"});
    return model;
}

TEST(DeepseekV3, F32ExportMatchesTheHfForwardPass) {
    const oracle::GgufFile gguf(expect_f32_matches_hf(deepseek()));
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "deepseek2");
    EXPECT_EQ(gguf.kv("deepseek2.block_count").as_int(), kLayers); // the MTP layer is left out
    EXPECT_EQ(gguf.kv("deepseek2.attention.head_count_kv").as_int(), 1);
    EXPECT_EQ(gguf.kv("deepseek2.attention.kv_lora_rank").as_int(), kKvLora);
    EXPECT_EQ(gguf.kv("deepseek2.attention.q_lora_rank").as_int(), kQLora);
    EXPECT_EQ(gguf.kv("deepseek2.attention.key_length").as_int(), kKvLora + kRope);
    EXPECT_EQ(gguf.kv("deepseek2.attention.key_length_mla").as_int(), kNope + kRope);
    EXPECT_EQ(gguf.kv("deepseek2.attention.value_length_mla").as_int(), kV);
    EXPECT_EQ(gguf.kv("deepseek2.rope.dimension_count").as_int(), kRope);
    EXPECT_EQ(gguf.kv("deepseek2.rope.scaling.type").as_string(), "yarn");
    EXPECT_FLOAT_EQ(static_cast<float>(gguf.kv("deepseek2.rope.scaling.yarn_log_multiplier").as_double()), 0.1f);
    EXPECT_EQ(gguf.kv("deepseek2.expert_group_count").as_int(), 4);
    EXPECT_EQ(gguf.tensor("blk.0.attn_k_b.weight").ne, (std::array<int64_t, 4>{kNope, kKvLora, kHeads, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.attn_v_b.weight").ne, (std::array<int64_t, 4>{kKvLora, kV, kHeads, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.attn_kv_a_mqa.weight").ne, (std::array<int64_t, 4>{kHidden, kKvLora + kRope, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.2.ffn_gate_exps.weight").ne, (std::array<int64_t, 4>{kHidden, kMoeFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up.weight").ne, (std::array<int64_t, 4>{kHidden, 512, 1, 1}));
    for (const auto &t : gguf.tensors()) EXPECT_EQ(t.name.rfind("blk.3.", 0), std::string::npos) << t.name;
}

TEST(DeepseekV3, Q4KMFromBf16ChoosesLlamaCppsTypesAndRuns) {
    const auto our_types = expect_q4_k_m_like_llama_cpp(deepseek(), "bf16");
    EXPECT_EQ(our_types.at("blk.1.ffn_gate_inp.weight"), kGgmlF32);
}

// The MTP layer's tensors are left out with one note, not one per tensor
// (DeepSeek-V3's has ~780), and nothing of layer 3 is planned.
TEST(DeepseekV3, TheLeftOutMtpLayerIsOneNote) {
    const Store store = Store::open(deepseek().store);
    ExportConfig config;
    config.default_type = "f32";
    const ExportPlan plan = plan_export(store, config, "test", build_plugins(), {});
    const auto notes = std::count_if(plan.notes.begin(), plan.notes.end(), [](const std::string &n) {
        return n.find("multi-token-prediction") != std::string::npos;
    });
    EXPECT_EQ(notes, 1);
    for (const auto &t : plan.tensors) EXPECT_EQ(t.gguf_name.rfind("blk.3.", 0), std::string::npos) << t.gguf_name;
}

// DeepSeek-V3's config.json fields, small; `changed` replaces or adds fields.
HfConfig deepseek_config(const ConfigFields &changed = {}) {
    static const ConfigFields fields{
        {"architectures", R"(["DeepseekV3ForCausalLM"])"}, {"hidden_size", "256"}, {"intermediate_size", "512"},
        {"num_hidden_layers", "3"}, {"num_attention_heads", "4"}, {"num_key_value_heads", "4"},
        {"vocab_size", "512"}, {"hidden_act", R"("silu")"}, {"n_routed_experts", "8"}, {"num_experts_per_tok", "2"},
        {"moe_intermediate_size", "256"}, {"n_shared_experts", "1"}, {"first_k_dense_replace", "1"},
        {"n_group", "4"}, {"topk_group", "2"}, {"norm_topk_prob", "true"}, {"routed_scaling_factor", "2.5"},
        {"scoring_func", R"("sigmoid")"}, {"topk_method", R"("noaux_tc")"}, {"q_lora_rank", "64"},
        {"kv_lora_rank", "64"}, {"qk_nope_head_dim", "32"}, {"qk_rope_head_dim", "16"}, {"v_head_dim", "32"},
        {"moe_layer_freq", "1"}, {"rope_interleave", "true"}, {"attention_bias", "false"}};
    return config_with(fields, changed);
}

std::string hyperparameter_error(const ConfigFields &changed) { return hyperparameter_error_of(deepseek_config(changed)); }

TEST(DeepseekV3, VariantsLlamaCppCannotRunAreRefusedNamingClassAndField) {
    EXPECT_EQ(hyperparameter_error({}), "");
    EXPECT_EQ(hyperparameter_error({{"q_lora_rank", "null"}, {"num_hidden_layers", "27"}}), ""); // V2-Lite-shaped
    const std::pair<const char *, const char *> refused[] = {
        {"scoring_func", R"("softmax")"}, {"topk_method", R"("group_limited_greedy")"}, {"n_group", "3"},
        {"topk_group", "5"},           {"n_shared_experts", "0"},                 {"q_lora_rank", "null"},
        {"attention_bias", "true"},    {"rope_interleave", "false"},              {"hidden_act", R"("gelu")"},
        {"moe_layer_freq", "2"},       {"num_experts_per_tok", "9"},
    };
    for (const auto &[field, value] : refused) {
        const std::string err = hyperparameter_error({{field, value}});
        EXPECT_NE(err.find("DeepseekV3ForCausalLM"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find(std::string("'") + field + "'"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find("config.json"), std::string::npos) << field << " = " << value << ": " << err;
    }
}

TEST(DeepseekV3, KvBIsCutPerHeadAndTheMtpLayerIsLeftOut) {
    const HfConfig c = deepseek_config();
    const Architecture &arch = architecture_for(c);
    const auto slices = arch.split_tensor("model.layers.1.self_attn.kv_b_proj.weight", {kHeads * (kNope + kV), kKvLora}, c);
    ASSERT_EQ(slices.size(), 2u);
    EXPECT_EQ(slices[0].gguf_name, "blk.1.attn_k_b.weight");
    EXPECT_EQ(slices[0].shape, (std::vector<uint64_t>{kHeads, kKvLora, kNope}));
    EXPECT_TRUE(slices[0].rows.transposed);
    EXPECT_EQ(slices[1].gguf_name, "blk.1.attn_v_b.weight");
    EXPECT_EQ(slices[1].shape, (std::vector<uint64_t>{kHeads, kV, kKvLora}));
    EXPECT_EQ(slices[1].rows.source_row(kV + 5), (kNope + kV) + kNope + 5u); // head 1's value row 5
    EXPECT_THROW(arch.split_tensor("model.layers.1.self_attn.kv_b_proj.weight", {100, kKvLora}, c), std::exception);
    EXPECT_TRUE(arch.left_out("model.layers.3.eh_proj.weight", c).has_value());
    EXPECT_TRUE(arch.left_out("model.layers.3.mlp.experts.0.up_proj.weight", c).has_value());
    EXPECT_FALSE(arch.left_out("model.layers.2.mlp.experts.0.up_proj.weight", c).has_value());
    EXPECT_EQ(arch.gguf_tensor_name("model.layers.2.self_attn.q_a_layernorm.weight").value_or("<none>"),
              "blk.2.attn_q_a_norm.weight");
}

} // namespace
} // namespace gmat::test
