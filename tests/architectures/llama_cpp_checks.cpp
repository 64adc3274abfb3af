#include "llama_cpp_checks.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <oracle/logit_metrics.hpp>
#include <oracle/quantize_model.hpp>

#include <cmath>
#include <cstdio>

namespace fs = std::filesystem;

namespace gmat::test {

fs::path expect_f32_matches_hf(const ArchModel &m) {
    const fs::path f32 = export_model(m, "f32");
    oracle::Llama llama(f32);
    const std::vector<float> ours = llama.logits(m.tokens);
    const std::vector<float> reference = reference_logits(m);
    EXPECT_EQ(ours.size(), reference.size()) << m.hf_class;
    if (ours.size() != reference.size()) return f32;
    const double err = oracle::max_abs_diff(ours, reference);
    std::printf("%s: max abs logit error vs HF %.3g\n", m.hf_class.c_str(), err);
    ::testing::Test::RecordProperty("max_abs_error", std::to_string(err));
    EXPECT_LE(err, 1e-3) << m.hf_class;
    return f32;
}

std::map<std::string, uint32_t> gguf_tensor_types(const fs::path &file) {
    std::map<std::string, uint32_t> types;
    for (const auto &t : oracle::GgufFile(file).tensors()) types[t.name] = t.type;
    return types;
}

namespace {
void expect_same_types(const std::map<std::string, uint32_t> &ours, const std::map<std::string, uint32_t> &theirs) {
    EXPECT_EQ(ours.size(), theirs.size());
    for (const auto &[name, type] : theirs) {
        auto it = ours.find(name);
        if (it == ours.end()) {
            ADD_FAILURE() << name << " is missing from our file";
            continue;
        }
        EXPECT_EQ(it->second, type) << name << ": ggml type ours vs llama_model_quantize's";
    }
}
} // namespace

std::map<std::string, uint32_t> expect_q4_k_m_like_llama_cpp(const ArchModel &m, const std::string &source_type) {
    return expect_mix_like_llama_cpp(m, "q4_k_m", 15 /* LLAMA_FTYPE_MOSTLY_Q4_K_M */, source_type);
}

std::map<std::string, uint32_t> expect_mix_like_llama_cpp(const ArchModel &m, const std::string &mix, int llama_ftype,
                                                          const std::string &source_type) {
    const fs::path f32 = export_model(m, "f32");
    const fs::path source = source_type == "f32" ? f32 : export_model(m, source_type);
    const fs::path ours = export_model(m, mix);
    const fs::path theirs = m.dir / ("llama-" + mix + ".gguf");
    oracle::quantize_model(source, theirs, llama_ftype, 2);
    const auto our_types = gguf_tensor_types(ours);
    expect_same_types(our_types, gguf_tensor_types(theirs));

    const std::vector<float> exact = oracle::Llama(f32).logits(m.tokens);
    oracle::Llama quantized(ours);
    const std::vector<float> logits = quantized.logits(m.tokens);
    for (float v : logits)
        if (!std::isfinite(v)) {
            ADD_FAILURE() << m.hf_class << ": our " << mix << " gives a non-finite logit";
            return our_types;
        }
    const double kl_ours = oracle::kl_divergence(exact, logits, quantized.n_vocab());
    const double kl_theirs = oracle::kl_divergence(exact, oracle::Llama(theirs).logits(m.tokens), quantized.n_vocab());
    std::printf("%s %s: KL ours %.3g, llama.cpp %.3g\n", m.hf_class.c_str(), mix.c_str(), kl_ours, kl_theirs);
    EXPECT_GT(kl_ours, 0.0) << m.hf_class << ": " << mix << " gave exactly the F32 logits";
    EXPECT_LE(kl_ours, kl_theirs * 1.5 + 1e-6) << m.hf_class;
    return our_types;
}

} // namespace gmat::test
