// llama_reference.py against llama.cpp: a random HF checkpoint converted to GGUF
// (F32, with the q/k regrouping and llama3 rope divisors a real exporter needs)
// gives llama.cpp logits that match the reference's to float32 accuracy. Leaving
// either convention out breaks the match, so the comparison has teeth.
#include "oracle/llama.hpp"
#include "oracle/logit_metrics.hpp"
#include "reference/reference_scripts.hpp"
#include "support/llama_gguf_from_hf.hpp"
#include "support/scoped_temp_dir.hpp"

#include <gtest/gtest.h>

namespace {

using oracle::testing::ScopedTempDir;
using reference::testing::ConversionOptions;

// float32 (llama.cpp) against float64 (reference) on a 2-3 layer model: measured
// differences are ~4e-6 in logits and ~1e-14 in KL; the conventions left out
// below cost 0.04-0.12.
constexpr double kMaxLogitDiff = 1e-4;
constexpr double kMaxKl = 1e-10;

std::vector<int32_t> test_tokens(int vocab) {
    std::vector<int32_t> tokens;
    for (int i = 0; i < 24; ++i)
        tokens.push_back((i * 37 + 11) % vocab);
    return tokens;
}

struct Comparison {
    double max_diff, kl;
};

Comparison compare(const std::filesystem::path &dir, const reference::CheckpointOptions &options,
                   const ConversionOptions &conversion = {}) {
    const auto model = dir / "hf", gguf = dir / "model.gguf";
    reference::make_llama_checkpoint(model, options);
    reference::testing::write_llama_gguf_from_hf(model, gguf, conversion);
    const auto tokens = test_tokens(options.vocab);
    const auto expected = reference::llama_reference_logits(model, tokens);
    oracle::Llama llama(gguf);
    const auto actual = llama.logits(tokens);
    return {oracle::max_abs_diff(expected, actual), oracle::kl_divergence(expected, actual, options.vocab)};
}

struct NamedConfig {
    std::string name;
    reference::CheckpointOptions options;
};

void PrintTo(const NamedConfig &config, std::ostream *os) { *os << config.name; }

class ReferenceMatchesLlama : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(ReferenceMatchesLlama, LogitsAgree) {
    ScopedTempDir dir;
    const auto result = compare(dir.path(), GetParam().options);
    EXPECT_LT(result.max_diff, kMaxLogitDiff);
    EXPECT_LT(result.kl, kMaxKl);
}

std::vector<NamedConfig> configs() {
    NamedConfig gqa{"GqaUntied", {}};
    NamedConfig mistral{"MistralTiedWideHeadsSharded", {}};
    mistral.options.architecture = "MistralForCausalLM";
    mistral.options.tied = true;
    mistral.options.head_dim = 32; // heads * head_dim = 128 != hidden = 64
    mistral.options.shards = 3;
    mistral.options.seed = 7;
    NamedConfig llama3{"Llama3RopeScalingMultiQuery", {}};
    llama3.options.rope_scaling_llama3 = true;
    llama3.options.kv_heads = 1;
    llama3.options.layers = 3;
    llama3.options.rope_theta = 500000;
    llama3.options.rms_eps = 1e-6;
    llama3.options.seed = 3;
    return {gqa, mistral, llama3};
}

INSTANTIATE_TEST_SUITE_P(Configs, ReferenceMatchesLlama, ::testing::ValuesIn(configs()),
                         [](const auto &info) { return info.param.name; });

TEST(ReferenceVsLlama, WithoutQkRegroupingLogitsDisagree) {
    ScopedTempDir dir;
    const auto result = compare(dir.path(), {}, ConversionOptions{.regroup_qk_for_rope = false});
    EXPECT_GT(result.max_diff, 10 * kMaxLogitDiff);
}

TEST(ReferenceVsLlama, WithoutLlama3RopeFreqsLogitsDisagree) {
    ScopedTempDir dir;
    reference::CheckpointOptions options;
    options.rope_scaling_llama3 = true;
    const auto result = compare(dir.path(), options, ConversionOptions{.llama3_rope_freqs = false});
    EXPECT_GT(result.max_diff, 10 * kMaxLogitDiff);
}

} // namespace
