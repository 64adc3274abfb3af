// llama.cpp runs our GGUF and computes what the HF model defines.
#include "export_fixture.hpp"

#include "pipeline/import_pipeline.hpp"

#include <oracle/llama.hpp>
#include <sstream>
#include <oracle/logit_metrics.hpp>
#include <reference/reference_scripts.hpp>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

const std::vector<float> &f32_logits() {
    static const std::vector<float> logits = [] {
        const ExportedModel &m = llama_model("f32");
        const fs::path out = scratch_path("logits-f32.gguf");
        export_store(m.store, R"({"quantization": {"default_type": "f32"}})", out);
        return oracle::Llama(out).logits(m.tokens);
    }();
    return logits;
}

TEST(LlamaLogits, F32ExportMatchesTheHfForwardPass) {
    const ExportedModel &m = llama_model("f32");
    const std::vector<float> reference = reference::llama_reference_logits(m.hf, m.tokens);
    const std::vector<float> &ours = f32_logits();
    ASSERT_EQ(ours.size(), reference.size());
    const double err = oracle::max_abs_diff(ours, reference);
    EXPECT_LE(err, 1e-3) << "max abs logit error vs the HF reference";
    RecordProperty("max_abs_error", std::to_string(err));
}

// Expected error bands of each type against the F32 export (KL over the sequence and max abs logit error).
struct TypeBound {
    const char *type;
    double max_kl;
    double max_abs;
};

class TypeLogits : public ::testing::TestWithParam<TypeBound> {};

TEST_P(TypeLogits, StaysWithinTheTypesExpectedErrorOfF32) {
    const TypeBound bound = GetParam();
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path(std::string("logits-") + bound.type + ".gguf");
    export_store(m.store, std::string(R"({"quantization": {"default_type": ")") + bound.type + R"("}})", out);
    oracle::Llama llama(out);
    const std::vector<float> logits = llama.logits(m.tokens);
    const double kl = oracle::kl_divergence(f32_logits(), logits, llama.n_vocab());
    const double err = oracle::max_abs_diff(f32_logits(), logits);
    EXPECT_LE(kl, bound.max_kl) << bound.type;
    EXPECT_LE(err, bound.max_abs) << bound.type;
    EXPECT_GT(err, 0.0) << bound.type << " gave exactly the F32 logits: the type was not applied";
}

INSTANTIATE_TEST_SUITE_P(Types, TypeLogits,
                         ::testing::Values(TypeBound{"f16", 1e-6, 2e-3}, TypeBound{"bf16", 1e-4, 2e-2},
                                           TypeBound{"q8_0", 1e-4, 2e-2}),
                         [](const auto &info) { return std::string(info.param.type); });

TEST(LlamaLogits, ShardedExportGivesTheSameLogitsAsTheSingleFile) {
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path("sharded.gguf");
    const ExportSummary s = export_store(m.store, R"({"quantization": {"default_type": "f32"}})", out, 2, 100000);
    ASSERT_GE(s.files.size(), 3u);
    EXPECT_EQ(s.files[0].filename(), "sharded-00001-of-0000" + std::to_string(s.files.size()) + ".gguf");
    for (const auto &f : s.files) EXPECT_TRUE(fs::exists(f)) << f;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(oracle::Llama(s.files[0]).logits(m.tokens), f32_logits());
}

TEST(LlamaLogits, TiedEmbeddingsWithoutLmHeadMatchTheHfForwardPass) {
    const fs::path dir = scratch_path("tied");
    reference::CheckpointOptions options;
    options.tied = true;
    options.kv_heads = 1;
    options.seed = 3;
    reference::make_llama_checkpoint(dir / "hf", options);
    ImportOptions import;
    import.model = dir / "hf";
    import.output_dir = dir;
    import.progress = false;
    std::ostringstream log;
    const fs::path store = run_import(build_plugins(), import, log).store;
    const fs::path out = dir / "tied.gguf";
    export_store(store, R"({"quantization": {"default_type": "f32"}})", out);
    std::vector<int32_t> tokens;
    for (int i = 0; i < 32; ++i) tokens.push_back((i * 53 + 5) % 256);
    const double err = oracle::max_abs_diff(oracle::Llama(out).logits(tokens), reference::llama_reference_logits(dir / "hf", tokens));
    EXPECT_LE(err, 1e-3);
}

TEST(LlamaLogits, Llama3RopeScalingMatchesTheHfForwardPass) {
    const fs::path dir = scratch_path("llama3");
    reference::CheckpointOptions options;
    options.rope_scaling_llama3 = true;
    options.rope_theta = 500000.0;
    options.seed = 5;
    reference::make_llama_checkpoint(dir / "hf", options);
    ImportOptions import;
    import.model = dir / "hf";
    import.output_dir = dir;
    import.progress = false;
    std::ostringstream log;
    const fs::path store = run_import(build_plugins(), import, log).store;
    const fs::path out = dir / "llama3.gguf";
    export_store(store, R"({"quantization": {"default_type": "f32"}})", out);
    std::vector<int32_t> tokens;
    for (int i = 0; i < 32; ++i) tokens.push_back((i * 29 + 1) % 256);
    const double err = oracle::max_abs_diff(oracle::Llama(out).logits(tokens), reference::llama_reference_logits(dir / "hf", tokens));
    EXPECT_LE(err, 1e-3);
}

} // namespace
} // namespace gmat::test
