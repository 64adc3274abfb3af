// GPT-OSS (gpt-oss-20b/120b): attention with biases and per-head sinks, YaRN
// RoPE, sliding-window attention on even layers, a biased softmax-after-top-k
// router and experts computing the clamped SwiGLU, stored as HF's fused 3-D
// stacks (gate and up columns interleaved) or, as released, MXFP4 blocks of
// the transposed matrices. Run by llama.cpp's "gpt-oss" graph against
// tests/reference/gpt_oss_reference.py's float64 HF forward pass; Q4_K_M and
// MXFP4_MOE types against llama_model_quantize's; the o200k tokenizer and the
// chat template; config variants llama.cpp cannot run refused.
#include "arch_model.hpp"
#include "config_variants.hpp"
#include "llama_cpp_checks.hpp"

#include "arch/architecture.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>
#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>
#include <oracle/quantize_model.hpp>
#include <reference/reference_scripts.hpp>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr int kExperts = 4, kExpertsUsed = 2, kHidden = 256, kFf = 256, kHeads = 4, kHeadDim = 64, kWindow = 8;
constexpr uint32_t kGgmlF32 = 0, kGgmlMxfp4 = 39;
constexpr int kLlamaFtypeMxfp4Moe = 38;

// F32 experts in HF's layout (gate_up_proj [E, hidden, 2 * ff], down_proj [E, ff, hidden]).
const ArchModel &gpt_oss() {
    static const ArchModel model = [] {
        const fs::path dir = arch_model_dir("GptOssForCausalLM");
        reference::run_reference_script("make_gpt_oss_checkpoint.py", {(dir / "hf").string()});
        ArchModel m = import_arch_checkpoint("GptOssForCausalLM", dir);
        m.reference_script = "gpt_oss_reference.py";
        return m;
    }();
    return model;
}

// The experts as released: MXFP4 blocks of the transposed matrices; the
// reference reads the dequantized twin. The release's rope_scaling too:
// original context 4096 and "truncate": false, which llama.cpp does not
// read (its YaRN always floors / ceils the correction range, as HF does when
// truncate is true): 3.2e-4 of logit over these 32 positions.
const ArchModel &gpt_oss_mxfp4() {
    static const ArchModel model = [] {
        const fs::path dir = arch_model_dir("GptOssForCausalLM-mxfp4");
        reference::run_reference_script("make_gpt_oss_checkpoint.py",
                                        {(dir / "hf").string(), "--mxfp4", (dir / "dequantized").string(),
                                         "--max-pos", "131072", "--truncate", "false"});
        ArchModel m = import_arch_checkpoint("GptOssForCausalLM", dir);
        m.reference_script = "gpt_oss_reference.py";
        m.reference_model = dir / "dequantized";
        return m;
    }();
    return model;
}

using Ne = std::array<int64_t, 4>;

void expect_gpt_oss_layout(const oracle::GgufFile &gguf, int64_t original_context = 16) {
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "gpt-oss");
    EXPECT_EQ(gguf.kv("gpt-oss.expert_count").as_int(), kExperts);
    EXPECT_EQ(gguf.kv("gpt-oss.expert_used_count").as_int(), kExpertsUsed);
    EXPECT_EQ(gguf.kv("gpt-oss.expert_feed_forward_length").as_int(), kFf);
    EXPECT_EQ(gguf.kv("gpt-oss.feed_forward_length").as_int(), kFf);
    EXPECT_EQ(gguf.kv("gpt-oss.attention.sliding_window").as_int(), kWindow);
    EXPECT_EQ(gguf.kv("gpt-oss.attention.key_length").as_int(), kHeadDim);
    EXPECT_EQ(gguf.kv("gpt-oss.rope.scaling.type").as_string(), "yarn");
    EXPECT_DOUBLE_EQ(gguf.kv("gpt-oss.rope.scaling.factor").as_double(), 32.0);
    EXPECT_EQ(gguf.kv("gpt-oss.rope.scaling.original_context_length").as_int(), original_context);
    EXPECT_DOUBLE_EQ(gguf.kv("gpt-oss.rope.scaling.yarn_beta_fast").as_double(), 32.0);
    EXPECT_DOUBLE_EQ(gguf.kv("gpt-oss.rope.freq_base").as_double(), 150000.0);
    // Keys llama.cpp's converter does not write for gpt-oss.
    EXPECT_FALSE(gguf.has_key("gpt-oss.rope.dimension_count"));
    EXPECT_FALSE(gguf.has_key("gpt-oss.vocab_size"));
    EXPECT_EQ(gguf.tensor("blk.0.attn_sinks.weight").ne, (Ne{kHeads, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.post_attention_norm.weight").ne, (Ne{kHidden, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.attn_output.bias").ne, (Ne{kHidden, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_inp.bias").ne, (Ne{kExperts, 1, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_gate_exps.weight").ne, (Ne{kHidden, kFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_up_exps.weight").ne, (Ne{kHidden, kFf, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_down_exps.weight").ne, (Ne{kFf, kHidden, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_gate_exps.bias").ne, (Ne{kFf, kExperts, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_up_exps.bias").ne, (Ne{kFf, kExperts, 1, 1}));
    EXPECT_EQ(gguf.tensor("blk.1.ffn_down_exps.bias").ne, (Ne{kHidden, kExperts, 1, 1}));
}

TEST(GptOss, F32ExportMatchesTheHfForwardPass) {
    expect_gpt_oss_layout(oracle::GgufFile(expect_f32_matches_hf(gpt_oss())));
}

TEST(GptOss, Q4KMFromBf16ChoosesLlamaCppsTypesAndRuns) {
    const auto types = expect_q4_k_m_like_llama_cpp(gpt_oss(), "bf16");
    EXPECT_EQ(types.at("blk.0.ffn_gate_inp.weight"), kGgmlF32);
}

TEST(GptOss, Mxfp4MoeFromBf16ChoosesLlamaCppsTypesAndRuns) {
    const auto types = expect_mix_like_llama_cpp(gpt_oss(), "mxfp4_moe", kLlamaFtypeMxfp4Moe, "bf16");
    EXPECT_EQ(types.at("blk.0.ffn_gate_exps.weight"), kGgmlMxfp4);
    EXPECT_EQ(types.at("blk.1.ffn_down_exps.weight"), kGgmlMxfp4);
}

// The o200k pre-tokenizer (a Split with o200k's regex, then ByteLevel without
// its own regex) is llama.cpp's "gpt-4o"; chat_template.jinja is the template.
TEST(GptOss, TokenizerIsO200kWithTheChatTemplate) {
    const oracle::GgufFile gguf(export_model(gpt_oss(), "f32"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.model").as_string(), "gpt2");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.pre").as_string(), "gpt-4o");
    std::ifstream in(gpt_oss().hf / "chat_template.jinja");
    const std::string tmpl((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(tmpl.empty());
    EXPECT_EQ(gguf.kv("tokenizer.chat_template").as_string(), tmpl);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.tokens").array_size(), 512u);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.tokens").string_at(512 - 3), "<|end|>");
}

TEST(GptOssMxfp4, F32ExportMatchesTheHfForwardPassOfTheDequantizedExperts) {
    expect_gpt_oss_layout(oracle::GgufFile(expect_f32_matches_hf(gpt_oss_mxfp4())), 4096);
}

// mxfp4_moe keeps the shipped experts as MXFP4: gate and up are the even and
// odd rows of gate_up_proj's blocks, repacked without requantizing, so ggml
// dequantizes them to exactly the F32 export's values.
TEST(GptOssMxfp4, Mxfp4MoeKeepsTheShippedBlocksLosslessly) {
    const oracle::GgufFile mixed(export_model(gpt_oss_mxfp4(), "mxfp4_moe"));
    const oracle::GgufFile f32(export_model(gpt_oss_mxfp4(), "f32"));
    size_t checked = 0;
    for (int layer = 0; layer < 2; ++layer)
        for (const char *role : {"ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"}) {
            const std::string name = "blk." + std::to_string(layer) + "." + role + ".weight";
            SCOPED_TRACE(name);
            const auto info = mixed.tensor(name);
            ASSERT_EQ(info.type, kGgmlMxfp4);
            const auto values = oracle::dequantize(kGgmlMxfp4, mixed.read_tensor_data(info).data(), info.n_elements());
            const auto want = f32.read_tensor_data(f32.tensor(name));
            ASSERT_EQ(values.size() * 4, want.size());
            EXPECT_EQ(std::memcmp(values.data(), want.data(), want.size()), 0) << "ggml's values differ from the source's";
            ++checked;
        }
    EXPECT_EQ(checked, 6u);
}

TEST(GptOssMxfp4, Mxfp4MoeFromBf16ChoosesLlamaCppsTypesAndRuns) {
    expect_mix_like_llama_cpp(gpt_oss_mxfp4(), "mxfp4_moe", kLlamaFtypeMxfp4Moe, "bf16");
}

// Types only: the KL bound of expect_q4_k_m_like_llama_cpp is held on the F32
// model above. On these same weights the two Q4_K_M files' KL over 32 tokens
// is noise-level apart and moves with the rope alone (0.0105 vs llama.cpp's
// 0.0103 with a truncated YaRN range, 0.0151 vs 0.0084 with the release's).
TEST(GptOssMxfp4, Q4KMFromBf16ChoosesLlamaCppsTypes) {
    const ArchModel &m = gpt_oss_mxfp4();
    const fs::path theirs = m.dir / "llama-q4_k_m-types.gguf";
    oracle::quantize_model(export_model(m, "bf16"), theirs, 15 /* LLAMA_FTYPE_MOSTLY_Q4_K_M */, 2);
    const auto ours = gguf_tensor_types(export_model(m, "q4_k_m"));
    const auto want = gguf_tensor_types(theirs);
    EXPECT_EQ(ours.size(), want.size());
    for (const auto &[name, type] : want) {
        ASSERT_TRUE(ours.contains(name)) << name;
        EXPECT_EQ(ours.at(name), type) << name << ": ggml type ours vs llama_model_quantize's";
    }
}

// gpt-oss-20b's config.json fields, small.
const ConfigFields &gpt_oss_fields() {
    static const ConfigFields fields{
        {"architectures", R"(["GptOssForCausalLM"])"}, {"hidden_size", "256"}, {"intermediate_size", "256"},
        {"num_hidden_layers", "2"}, {"num_attention_heads", "4"}, {"num_key_value_heads", "2"}, {"head_dim", "64"},
        {"vocab_size", "512"}, {"num_local_experts", "4"}, {"num_experts_per_tok", "2"}, {"experts_per_token", "2"},
        {"attention_bias", "true"}, {"sliding_window", "8"}, {"swiglu_limit", "7.0"},
        {"layer_types", R"(["sliding_attention", "full_attention"])"}, {"tie_word_embeddings", "false"},
        {"rope_theta", "150000"}, {"max_position_embeddings", "512"},
        {"rope_scaling", R"({"rope_type": "yarn", "factor": 32.0, "beta_fast": 32.0, "beta_slow": 1.0, )"
                         R"("original_max_position_embeddings": 16, "truncate": false})"}};
    return fields;
}

HfConfig gpt_oss_config(const ConfigFields &changed = {}) { return config_with(gpt_oss_fields(), changed); }

std::string hyperparameter_error(const ConfigFields &changed) { return hyperparameter_error_of(gpt_oss_config(changed)); }

TEST(GptOss, SupportedConfigsWriteTheConvertersKeys) {
    EXPECT_EQ(hyperparameter_error({}), "");
    EXPECT_EQ(hyperparameter_error({{"layer_types", "null"}}), ""); // HF's default: even layers slide
    const HfConfig c = gpt_oss_config();
    Metadata md;
    architecture_for(c).add_hyperparameters(c, md);
    EXPECT_EQ(*md.get<uint32_t>("gpt-oss.block_count"), 2u);
    EXPECT_EQ(*md.get<uint32_t>("gpt-oss.attention.head_count_kv"), 2u);
    EXPECT_EQ(*md.get<uint32_t>("gpt-oss.attention.value_length"), 64u);
    EXPECT_FLOAT_EQ(*md.get<float>("gpt-oss.attention.layer_norm_rms_epsilon"), 1e-6f);
    EXPECT_FLOAT_EQ(*md.get<float>("gpt-oss.rope.scaling.yarn_beta_slow"), 1.0f);
    EXPECT_EQ(md.get<uint32_t>("gpt-oss.rope.dimension_count"), nullptr);
}

TEST(GptOss, VariantsLlamaCppCannotRunAreRefusedNamingClassAndField) {
    const std::pair<const char *, const char *> refused[] = {
        {"swiglu_limit", "5.0"},
        {"layer_types", R"(["full_attention", "sliding_attention"])"},
        {"layer_types", R"(["sliding_attention", "sliding_attention"])"},
        {"sliding_window", "null"},
        {"attention_bias", "false"},
        {"tie_word_embeddings", "true"},
        {"num_experts_per_tok", "5"},
        {"num_local_experts", "0"},
    };
    for (const auto &[field, value] : refused) {
        const std::string err = hyperparameter_error({{field, value}});
        EXPECT_NE(err.find("GptOssForCausalLM"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find(std::string("'") + field + "'"), std::string::npos) << field << " = " << value << ": " << err;
        EXPECT_NE(err.find("config.json"), std::string::npos) << field << " = " << value << ": " << err;
    }
}

// A refused config fails the export before anything is written.
TEST(GptOss, ARefusedConfigWritesNothing) {
    const fs::path store = gpt_oss().dir / "refused.gmat";
    fs::remove_all(store);
    fs::copy(gpt_oss().store, store, fs::copy_options::recursive);
    std::ofstream(store / "config.json") << config_json_text(gpt_oss_fields(), {{"swiglu_limit", "5.0"}});
    const fs::path out = gpt_oss().dir / "refused.gguf";
    try {
        export_in_process(store, default_type_config("q4_k_m"), out);
        ADD_FAILURE() << "a swiglu_limit of 5 was exported";
    } catch (const GmatError &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("config.json"), std::string::npos) << what;
        EXPECT_NE(what.find("GptOssForCausalLM field 'swiglu_limit'"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(out));
}

TEST(GptOss, TensorNamesAndSlicesFollowLlamaCpp) {
    const HfConfig c = gpt_oss_config();
    const Architecture &arch = architecture_for(c);
    const std::pair<const char *, const char *> names[] = {
        {"model.layers.3.self_attn.sinks", "blk.3.attn_sinks.weight"},
        {"model.layers.3.self_attn.o_proj.bias", "blk.3.attn_output.bias"},
        {"model.layers.3.post_attention_layernorm.weight", "blk.3.post_attention_norm.weight"},
        {"model.layers.3.mlp.router.weight", "blk.3.ffn_gate_inp.weight"},
        {"model.layers.3.mlp.router.bias", "blk.3.ffn_gate_inp.bias"},
        {"model.layers.3.mlp.experts.down_proj_bias", "blk.3.ffn_down_exps.bias"},
        {"model.layers.3.mlp.experts.down_proj", "blk.3.ffn_down_exps.weight"},
    };
    for (const auto &[hf, gguf] : names) EXPECT_EQ(arch.gguf_tensor_name(hf).value_or("<none>"), gguf) << hf;
    EXPECT_THROW(arch.gguf_tensor_name("model.layers.0.mlp.gate_proj.weight"), std::exception);

    // HF's layout: gate = transpose of the even columns of each expert's [hidden, 2 * ff].
    const auto gate_up = arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj", {4, 256, 512}, c);
    ASSERT_EQ(gate_up.size(), 2u);
    EXPECT_EQ(gate_up[0].gguf_name, "blk.2.ffn_gate_exps.weight");
    EXPECT_EQ(gate_up[1].gguf_name, "blk.2.ffn_up_exps.weight");
    EXPECT_EQ(gate_up[1].shape, (std::vector<uint64_t>{4, 256, 256}));
    EXPECT_TRUE(gate_up[0].rows.transposed);
    EXPECT_EQ(gate_up[0].rows.column_stride, 2u);
    EXPECT_EQ(gate_up[1].rows.column_offset, 1u);
    const auto down = arch.split_tensor("model.layers.2.mlp.experts.down_proj", {4, 256, 256}, c);
    ASSERT_EQ(down.size(), 1u);
    EXPECT_TRUE(down[0].rows.transposed);
    const auto bias = arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj_bias", {4, 512}, c);
    ASSERT_EQ(bias.size(), 2u);
    EXPECT_EQ(bias[1].gguf_name, "blk.2.ffn_up_exps.bias");
    EXPECT_EQ(bias[1].shape, (std::vector<uint64_t>{4, 256}));

    // As released (MXFP4 blocks of the transposed matrices): gate = even rows, down as it is.
    const HfConfig mx = gpt_oss_config({{"quantization_config", R"({"quant_method": "mxfp4"})"}});
    const auto rows = arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj", {4, 512, 256}, mx);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_FALSE(rows[0].rows.transposed);
    EXPECT_EQ(rows[1].rows.source_row(256 + 3), 2u * (256 + 3) + 1); // expert 1's up row 3
    EXPECT_TRUE(arch.split_tensor("model.layers.2.mlp.experts.down_proj", {4, 256, 256}, mx).empty());

    try {
        arch.split_tensor("model.layers.2.mlp.experts.gate_up_proj", {4, 512, 256}, c); // MXFP4's shape, config says F32
        ADD_FAILURE() << "a misshaped gate_up_proj was accepted";
    } catch (const std::exception &e) {
        EXPECT_NE(std::string(e.what()).find("model.layers.2.mlp.experts.gate_up_proj"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gmat::test
