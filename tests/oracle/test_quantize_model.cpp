// llama.cpp's model quantizer through the oracle: a tiny F32 model becomes Q8_0
// with norms left in F32, and still predicts almost the same distribution; an
// importance matrix reaches llama.cpp (IQ2_XXS needs one, and its values
// change the file).
#include "oracle/activation_sums.hpp"
#include "oracle/gguf_file.hpp"
#include "oracle/llama.hpp"
#include "oracle/logit_metrics.hpp"
#include "oracle/quantize_model.hpp"
#include "support/scoped_temp_dir.hpp"
#include "support/tiny_llama_gguf.hpp"

#include <ggml.h>
#include <gtest/gtest.h>
#include <llama.h>

#include <fstream>
#include <iterator>

namespace {

using oracle::testing::ScopedTempDir;

bool is_norm(const std::string &name) { return name.find("norm.weight") != std::string::npos; }

TEST(QuantizeModel, Q8_0QuantizesMatricesAndKeepsNormsF32) {
    ScopedTempDir dir;
    const auto f32 = dir / "tiny-f32.gguf", q8 = dir / "tiny-q8_0.gguf";
    oracle::testing::write_tiny_llama_gguf(f32);
    oracle::quantize_model(f32, q8, LLAMA_FTYPE_MOSTLY_Q8_0);

    const oracle::GgufFile in(f32), out(q8);
    EXPECT_EQ(out.kv("general.file_type").as_int(), LLAMA_FTYPE_MOSTLY_Q8_0);
    ASSERT_EQ(out.tensors().size(), in.tensors().size());
    int n_norms = 0;
    for (const auto &t : out.tensors()) {
        const uint32_t expected = is_norm(t.name) ? GGML_TYPE_F32 : GGML_TYPE_Q8_0;
        EXPECT_EQ(t.type, expected) << t.name;
        EXPECT_EQ(t.ne, in.tensor(t.name).ne) << t.name;
        n_norms += is_norm(t.name);
    }
    EXPECT_EQ(n_norms, 2 * 2 + 1); // two per layer plus output_norm

    const std::vector<int32_t> tokens = {1, 290, 17, 44, 295, 5};
    const auto reference = oracle::Llama(f32).logits(tokens);
    const auto quantized = oracle::Llama(q8).logits(tokens);
    const double kl = oracle::kl_divergence(reference, quantized, oracle::Llama(q8, {.vocab_only = true}).n_vocab());
    EXPECT_GT(kl, 0.0);  // Q8_0 is lossy...
    EXPECT_LT(kl, 1e-3); // ...but barely moves the distribution
}

TEST(QuantizeModel, FailureNamesTheFiles) {
    ScopedTempDir dir;
    const auto not_a_model = dir / "not-a-model.gguf";
    std::ofstream(not_a_model) << "nothing to see";
    try {
        oracle::quantize_model(not_a_model, dir / "out.gguf", LLAMA_FTYPE_MOSTLY_Q8_0);
        FAIL() << "quantizing garbage must fail";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(not_a_model.string()), std::string::npos) << e.what();
    }
    EXPECT_THROW(oracle::quantize_model(dir / "absent.gguf", dir / "out.gguf", LLAMA_FTYPE_MOSTLY_Q8_0),
                 std::runtime_error);
}

std::string file_bytes(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(QuantizeModel, ImportanceMatrixReachesLlamaCpp) {
    ScopedTempDir dir;
    const auto f32 = dir / "tiny-f32.gguf", with_ones = dir / "ones.gguf", with_measured = dir / "measured.gguf";
    oracle::testing::write_tiny_llama_gguf(f32, {.n_embd = 256, .n_ff = 512});
    EXPECT_THROW(oracle::quantize_model(f32, dir / "none.gguf", LLAMA_FTYPE_MOSTLY_IQ2_XXS), std::runtime_error);

    oracle::ActivationSums sums;
    oracle::LlamaOptions options;
    sums.observe(options);
    oracle::Llama(f32, options).logits({1, 290, 17, 44, 295, 5, 260, 298, 12, 9, 280, 33, 71, 4, 150, 201});
    oracle::ImportanceValues measured, ones;
    for (const auto &[name, s] : sums.sums()) {
        for (double v : s.sum2) measured[name].push_back(static_cast<float>(v / static_cast<double>(s.count)));
        ones[name].assign(s.sum2.size(), 1.0f);
    }
    oracle::quantize_model(f32, with_ones, LLAMA_FTYPE_MOSTLY_IQ2_XXS, 2, &ones);
    oracle::quantize_model(f32, with_measured, LLAMA_FTYPE_MOSTLY_IQ2_XXS, 2, &measured);
    EXPECT_EQ(oracle::GgufFile(with_measured).tensor("blk.0.ffn_down.weight").type, GGML_TYPE_IQ2_XXS);
    EXPECT_NE(file_bytes(with_ones), file_bytes(with_measured)); // the values are used, not just their presence
}

} // namespace
