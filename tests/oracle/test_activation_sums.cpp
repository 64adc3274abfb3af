// ActivationSums on the tiny random llama: one entry per "blk." weight matrix
// (not output.weight), every token of every call counted, q/k/v and gate/up
// sharing their inputs, and layer 0's attention input equal to the RMS-
// normalised embedding rows times attn_norm, computed here from the file.
#include "oracle/activation_sums.hpp"
#include "oracle/gguf_file.hpp"
#include "oracle/llama.hpp"
#include "support/scoped_temp_dir.hpp"
#include "support/tiny_llama_gguf.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace {

using oracle::testing::ScopedTempDir;

class ActivationSumsTest : public ::testing::Test {
protected:
    void SetUp() override { oracle::testing::write_tiny_llama_gguf(path, spec); }

    std::vector<float> f32_tensor(const std::string &name) const {
        const oracle::GgufFile file(path);
        const std::vector<uint8_t> bytes = file.read_tensor_data(file.tensor(name));
        std::vector<float> values(bytes.size() / sizeof(float));
        std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
        return values;
    }

    ScopedTempDir dir;
    std::filesystem::path path = dir / "tiny.gguf";
    oracle::testing::TinyLlamaSpec spec;
    const std::vector<int32_t> tokens = {1, 290, 17, 44, 295, 5, 260, 298, 12, 9, 280};
};

TEST_F(ActivationSumsTest, CollectsEveryBlockMatrixWithItsTokenCount) {
    oracle::ActivationSums sums;
    oracle::LlamaOptions options;
    sums.observe(options);
    oracle::Llama llama(path, options);
    llama.logits(tokens);
    llama.logits(tokens);
    sums.check();

    ASSERT_EQ(sums.sums().size(), static_cast<size_t>(7 * spec.n_layer));
    for (int64_t il = 0; il < spec.n_layer; ++il)
        for (const char *matrix : {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
            const std::string name = "blk." + std::to_string(il) + "." + matrix + ".weight";
            const auto it = sums.sums().find(name);
            ASSERT_NE(it, sums.sums().end()) << name;
            EXPECT_EQ(it->second.count, static_cast<int64_t>(2 * tokens.size())) << name;
            EXPECT_EQ(it->second.n_mat, 1) << name;
            const int64_t n_cols = std::string(matrix) == "ffn_down" ? spec.n_ff : spec.n_embd;
            EXPECT_EQ(it->second.sum2.size(), static_cast<size_t>(n_cols)) << name;
        }
    EXPECT_EQ(sums.sums().count("output.weight"), 0u);
}

TEST_F(ActivationSumsTest, SumsTheSquaresOfEachInputColumn) {
    oracle::ActivationSums sums;
    oracle::LlamaOptions options;
    sums.observe(options);
    oracle::Llama(path, options).logits(tokens);
    sums.check();

    const auto &q = sums.sums().at("blk.0.attn_q.weight").sum2;
    EXPECT_EQ(q, sums.sums().at("blk.0.attn_k.weight").sum2); // one normalised input feeds q, k and v
    EXPECT_EQ(q, sums.sums().at("blk.0.attn_v.weight").sum2);
    EXPECT_EQ(sums.sums().at("blk.1.ffn_gate.weight").sum2, sums.sums().at("blk.1.ffn_up.weight").sum2);

    const std::vector<float> embd = f32_tensor("token_embd.weight");
    const std::vector<float> norm = f32_tensor("blk.0.attn_norm.weight");
    const auto n = static_cast<size_t>(spec.n_embd);
    std::vector<double> expected(n, 0.0);
    for (int32_t token : tokens) {
        const float *row = embd.data() + static_cast<size_t>(token) * n;
        double mean_square = 0.0;
        for (size_t j = 0; j < n; ++j) mean_square += static_cast<double>(row[j]) * row[j];
        const double scale = 1.0 / std::sqrt(mean_square / static_cast<double>(n) + spec.rms_eps);
        for (size_t j = 0; j < n; ++j) {
            const double x = row[j] * scale * norm[j];
            expected[j] += x * x;
        }
    }
    for (size_t j = 0; j < n; ++j) EXPECT_NEAR(q[j], expected[j], 1e-4 * expected[j] + 1e-6) << "column " << j;
}

} // namespace
