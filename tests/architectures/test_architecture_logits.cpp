// Each architecture, exported by gmat, runs in llama.cpp and computes what the
// HF class defines; its Q4_K_M mix is the one llama.cpp's quantizer picks.
#include "arch_model.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <oracle/logit_metrics.hpp>
#include <oracle/quantize_model.hpp>

#include <cmath>
#include <map>
#include <mutex>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

struct ArchCase {
    const char *hf_class;
    const char *gguf_architecture;
    std::vector<std::string> args; // make_arch_checkpoint.py options beyond the defaults
};

// Rows are whole 256-value super-blocks (hidden 256, intermediate 512, vocab
// 512) so K types apply everywhere; sliding windows shorter than the sequence
// exercise the masks.
const std::vector<ArchCase> &cases() {
    static const std::vector<ArchCase> all{
        {"Qwen2ForCausalLM", "qwen2", {}},
        {"Qwen3ForCausalLM", "qwen3", {"--head-dim", "128"}},
        {"Phi3ForCausalLM", "phi3", {"--sliding-window", "64"}},
        {"Gemma2ForCausalLM", "gemma2", {"--sliding-window", "8", "--head-dim", "128"}},
        {"Gemma3ForCausalLM", "gemma3", {"--sliding-window", "8", "--sliding-window-pattern", "2",
                                         "--rope-scaling-linear", "2"}},
    };
    return all;
}

const ArchModel &model_for(const ArchCase &c) {
    static std::map<std::string, ArchModel> models;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    auto it = models.find(c.hf_class);
    if (it == models.end()) it = models.emplace(c.hf_class, make_arch_model(c.hf_class, c.args)).first;
    return it->second;
}

class ArchitectureLogits : public ::testing::TestWithParam<ArchCase> {};

TEST_P(ArchitectureLogits, F32ExportMatchesTheHfForwardPass) {
    const ArchModel &m = model_for(GetParam());
    oracle::Llama llama(export_model(m, "f32"));
    EXPECT_EQ(llama.meta("general.architecture").value_or(""), GetParam().gguf_architecture);
    const std::vector<float> ours = llama.logits(m.tokens);
    const std::vector<float> reference = reference_logits(m);
    ASSERT_EQ(ours.size(), reference.size());
    const double err = oracle::max_abs_diff(ours, reference);
    std::printf("%s: max abs logit error vs HF %.3g\n", m.hf_class.c_str(), err);
    RecordProperty("max_abs_error", std::to_string(err));
    EXPECT_LE(err, 1e-3) << m.hf_class;
}

std::map<std::string, uint32_t> tensor_types(const fs::path &file) {
    std::map<std::string, uint32_t> types;
    for (const auto &t : oracle::GgufFile(file).tensors()) types[t.name] = t.type;
    return types;
}

TEST_P(ArchitectureLogits, Q4KMChoosesLlamaCppsTypesAndRuns) {
    const ArchModel &m = model_for(GetParam());
    const fs::path f32 = export_model(m, "f32");
    const fs::path ours = export_model(m, "q4_k_m");
    const fs::path theirs = m.dir / "llama-q4_k_m.gguf";
    oracle::quantize_model(f32, theirs, 15 /* LLAMA_FTYPE_MOSTLY_Q4_K_M */, 2);
    const auto our_types = tensor_types(ours), their_types = tensor_types(theirs);
    EXPECT_EQ(our_types.size(), their_types.size());
    for (const auto &[name, type] : their_types) {
        auto it = our_types.find(name);
        ASSERT_NE(it, our_types.end()) << name << " is missing from our Q4_K_M file";
        EXPECT_EQ(it->second, type) << name << ": ggml type ours vs llama_model_quantize's";
    }
    const std::vector<float> exact = oracle::Llama(f32).logits(m.tokens);
    oracle::Llama quantized(ours);
    const std::vector<float> logits = quantized.logits(m.tokens);
    for (float v : logits) ASSERT_TRUE(std::isfinite(v)) << m.hf_class;
    const double kl_ours = oracle::kl_divergence(exact, logits, quantized.n_vocab());
    const double kl_theirs = oracle::kl_divergence(exact, oracle::Llama(theirs).logits(m.tokens), quantized.n_vocab());
    std::printf("%s q4_k_m: KL ours %.3g, llama.cpp %.3g\n", m.hf_class.c_str(), kl_ours, kl_theirs);
    EXPECT_GT(kl_ours, 0.0) << "Q4_K_M gave exactly the F32 logits";
    EXPECT_LE(kl_ours, kl_theirs * 1.5 + 1e-6) << m.hf_class;
}

INSTANTIATE_TEST_SUITE_P(Classes, ArchitectureLogits, ::testing::ValuesIn(cases()),
                         [](const auto &info) { return std::string(info.param.gguf_architecture); });

} // namespace
} // namespace gmat::test
