// The Llama wrapper on a tiny random model written with ggml's own GGUF writer:
// logits have the right shape, are finite, deterministic and causal; the
// tokenizer and metadata come through; bad input fails with a message.
#include "oracle/llama.hpp"
#include "oracle/logit_metrics.hpp"
#include "support/scoped_temp_dir.hpp"
#include "support/tiny_llama_gguf.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace {

using oracle::testing::ScopedTempDir;

class LlamaTest : public ::testing::Test {
protected:
    void SetUp() override { oracle::testing::write_tiny_llama_gguf(path); }

    ScopedTempDir dir;
    std::filesystem::path path = dir / "tiny.gguf";
    const int32_t n_vocab = static_cast<int32_t>(oracle::testing::tiny_llama_vocab().size());
    const std::vector<int32_t> tokens = {1, 290, 17, 44, 295, 5, 260};
};

TEST_F(LlamaTest, LogitsHaveOneFiniteRowPerToken) {
    oracle::Llama llama(path);
    ASSERT_EQ(llama.n_vocab(), n_vocab);
    const auto logits = llama.logits(tokens);
    ASSERT_EQ(logits.size(), tokens.size() * static_cast<size_t>(n_vocab));
    for (float v : logits)
        ASSERT_TRUE(std::isfinite(v));
    // Random weights of realistic scale: rows spread out and differ by position.
    const std::vector<float> first(logits.begin(), logits.begin() + n_vocab);
    const std::vector<float> last(logits.end() - n_vocab, logits.end());
    EXPECT_GT(oracle::max_abs_diff(first, last), 0.1);
}

TEST_F(LlamaTest, LogitsAreDeterministicAndCallsIndependent) {
    oracle::Llama llama(path);
    const auto a = llama.logits(tokens);
    (void)llama.logits({3, 4});
    const auto b = llama.logits(tokens);
    EXPECT_EQ(a, b);
    oracle::Llama again(path);
    EXPECT_EQ(again.logits(tokens), a);
}

TEST_F(LlamaTest, LogitsAreCausal) {
    oracle::Llama llama(path);
    const auto full = llama.logits(tokens);
    const std::vector<int32_t> prefix(tokens.begin(), tokens.begin() + 3);
    const auto head = llama.logits(prefix);
    const std::vector<float> full_head(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(head.size()));
    // Same maths, different batch shapes: equal up to float reassociation.
    EXPECT_LT(oracle::max_abs_diff(head, full_head), 1e-4);
    auto changed = tokens;
    changed.back() = 2;
    const auto other = llama.logits(changed);
    EXPECT_LT(oracle::max_abs_diff(std::vector<float>(other.begin(), other.end() - n_vocab),
                                   std::vector<float>(full.begin(), full.end() - n_vocab)),
              1e-4);
}

TEST_F(LlamaTest, TiedOutputUsesTheEmbedding) {
    const auto tied_path = dir / "tied.gguf";
    oracle::testing::TinyLlamaSpec spec;
    spec.tied_output = true;
    oracle::testing::write_tiny_llama_gguf(tied_path, spec);
    oracle::Llama tied(tied_path);
    oracle::Llama untied(path);
    const auto a = tied.logits(tokens);
    EXPECT_EQ(a.size(), tokens.size() * static_cast<size_t>(n_vocab));
    EXPECT_GT(oracle::max_abs_diff(a, untied.logits(tokens)), 0.1);
}

TEST_F(LlamaTest, SplitModelLoadsFromItsFirstShard) {
    oracle::testing::TinyLlamaSpec spec;
    spec.n_splits = 3;
    const auto first = oracle::testing::write_tiny_llama_gguf(dir / "split.gguf", spec);
    EXPECT_EQ(first.filename(), "split-00001-of-00003.gguf");
    EXPECT_TRUE(std::filesystem::exists(dir / "split-00003-of-00003.gguf"));
    oracle::Llama split(first);
    oracle::Llama whole(path);
    EXPECT_EQ(split.logits(tokens), whole.logits(tokens));
    std::filesystem::remove(dir / "split-00002-of-00003.gguf");
    EXPECT_THROW(oracle::Llama{first}, std::runtime_error);
}

TEST_F(LlamaTest, TokenizesWithTheSentencePieceVocab) {
    oracle::Llama llama(path, {.vocab_only = true});
    const auto vocab = oracle::testing::tiny_llama_vocab();
    const auto ids = llama.tokenize("hello world", /*add_special=*/true);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[0], 1); // <s>
    EXPECT_EQ(llama.token_text(ids[1]), "\xE2\x96\x81hello");
    EXPECT_EQ(llama.token_text(ids[2]), "\xE2\x96\x81world");
    // SentencePiece's word-start marker becomes a space; the leading one is dropped.
    EXPECT_EQ(llama.detokenize({ids[1], ids[2]}), "hello world");
    // Unknown characters fall back to byte tokens and still round-trip.
    const auto bytes = llama.tokenize("hi ZQ!", false);
    EXPECT_EQ(llama.detokenize(bytes), "hi ZQ!");
    EXPECT_EQ(llama.token_text(3 + 'Z'), "<0x5A>");
}

TEST_F(LlamaTest, ReadsModelMetadata) {
    oracle::Llama llama(path, {.vocab_only = true});
    EXPECT_EQ(llama.meta("general.architecture"), "llama");
    EXPECT_EQ(llama.meta("llama.block_count"), "2");
    EXPECT_EQ(llama.meta("no.such.key"), std::nullopt);
}

TEST_F(LlamaTest, RejectsBadInput) {
    oracle::Llama llama(path);
    EXPECT_THROW(llama.logits({}), std::invalid_argument);
    EXPECT_THROW(llama.logits({1, n_vocab}), std::invalid_argument);
    EXPECT_THROW(llama.logits({-1}), std::invalid_argument);
    EXPECT_THROW(llama.logits(std::vector<int32_t>(257, 1)), std::invalid_argument);
    EXPECT_THROW(llama.token_text(n_vocab), std::invalid_argument);
    oracle::Llama vocab_only(path, {.vocab_only = true});
    EXPECT_THROW(vocab_only.logits({1}), std::logic_error);
}

TEST_F(LlamaTest, UnloadableModelsThrowWithThePath) {
    const auto truncated = dir / "truncated.gguf";
    std::filesystem::copy_file(path, truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(path) / 2);
    try {
        oracle::Llama llama(truncated);
        FAIL() << "a truncated model must not load";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(truncated.string()), std::string::npos) << e.what();
    }
    EXPECT_THROW(oracle::Llama{dir / "absent.gguf"}, std::runtime_error);
}

} // namespace
