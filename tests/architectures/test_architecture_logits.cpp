// Each architecture, exported by gmat, runs in llama.cpp and computes what the
// HF class defines; its Q4_K_M mix is the one llama.cpp's quantizer picks.
#include "arch_model.hpp"
#include "llama_cpp_checks.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <map>
#include <mutex>

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
    const auto f32 = expect_f32_matches_hf(model_for(GetParam()));
    EXPECT_EQ(oracle::GgufFile(f32).kv("general.architecture").as_string(), GetParam().gguf_architecture);
}

TEST_P(ArchitectureLogits, Q4KMChoosesLlamaCppsTypesAndRuns) { expect_q4_k_m_like_llama_cpp(model_for(GetParam())); }

INSTANTIATE_TEST_SUITE_P(Classes, ArchitectureLogits, ::testing::ValuesIn(cases()),
                         [](const auto &info) { return std::string(info.param.gguf_architecture); });

} // namespace
} // namespace gmat::test
