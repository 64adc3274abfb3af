// GPT-2 style and Llama-3 style byte-level BPE tokenizer.json fixtures,
// converted and loaded by llama.cpp: ids must follow the fixture's merges.
#include "llama_vocab_oracle.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"
#include "tokenizer_json_fixture.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

const std::string G = test::byte_level_char(' '); // "Ġ"

class ByteLevelBpe : public ::testing::TestWithParam<test::MergeForm> {
protected:
    Metadata convert(const test::ByteLevelOptions &options) {
        fixture = test::byte_level_fixture(options);
        folder.write("tokenizer.json", test::byte_level_tokenizer_json(fixture, options));
        Metadata out;
        append_tokenizer_metadata(folder.path(), {}, out);
        return out;
    }
    std::vector<int32_t> ids(const std::vector<std::string> &tokens) const {
        const auto v = fixture.ids(tokens);
        return {v.begin(), v.end()};
    }

    test::TestFolder folder;
    test::BpeFixture fixture;
};

TEST_P(ByteLevelBpe, WritesGpt2VocabularyWithMerges) {
    const Metadata out = convert({false, GetParam()});
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.pre"), "gpt-2");
    EXPECT_EQ(out.find("tokenizer.ggml.scores"), nullptr);
    const auto &merges = *out.get<std::vector<std::string>>("tokenizer.ggml.merges");
    ASSERT_EQ(merges.size(), fixture.merges.size());
    EXPECT_EQ(merges[0], "H e");
    EXPECT_EQ(merges[5], G + " w");
    const auto &types = *out.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    EXPECT_EQ(types[fixture.id("Hello")], 1);
    EXPECT_EQ(types[fixture.id("<|endoftext|>")], 3); // special added token: CONTROL
    EXPECT_EQ(types[fixture.id("<custom>")], 4);      // plain added token: USER_DEFINED
}

TEST_P(ByteLevelBpe, LlamaCppAppliesTheMergesInRankOrder) {
    const auto oracle = test::load_oracle(convert({false, GetParam()}), folder.path());
    // "l l" outranks "l o", so "Hello" ends whole; reversed ranks would give He l lo.
    EXPECT_EQ(oracle->tokenize("Hello world!", false), ids({"Hello", G + "world", "!"}));
    // No merge builds Ġthere, and GPT-2 does not ignore merges: single bytes.
    EXPECT_EQ(oracle->tokenize(" there", false), ids({G, "t", "h", "e", "r", "e"}));
    EXPECT_EQ(oracle->tokenize("Hello<custom>", false), ids({"Hello", "<custom>"}));
    EXPECT_EQ(oracle->tokenize("Hello<|endoftext|>", false, true), ids({"Hello", "<|endoftext|>"}));
    for (const std::string text : {"Hello world!", "Hello world there\n", "caf\xC3\xA9 \xF0\x9F\xA6\x99"})
        EXPECT_EQ(oracle->detokenize(oracle->tokenize(text, false)), text);
}

TEST_P(ByteLevelBpe, Llama3RegexIsDetectedAsLlamaBpe) {
    const Metadata out = convert({true, GetParam()});
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.pre"), "llama-bpe");
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_bos_token"), true); // from the TemplateProcessing
    const auto bos = static_cast<int32_t>(fixture.id("<|begin_of_text|>"));
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"), static_cast<uint32_t>(bos));

    const auto oracle = test::load_oracle(out, folder.path());
    EXPECT_EQ(oracle->bos(), bos);
    EXPECT_TRUE(oracle->add_bos());
    std::vector<int32_t> expected{bos};
    for (int32_t id : ids({"Hello", G + "world", G + "there"})) expected.push_back(id);
    // ignore_merges: a whole pre-token found in the vocabulary is one token.
    EXPECT_EQ(oracle->tokenize("Hello world there", true), expected);
    EXPECT_EQ(oracle->detokenize(expected, true), "Hello world there");
}

INSTANTIATE_TEST_SUITE_P(MergeForms, ByteLevelBpe, ::testing::Values(test::MergeForm::Strings, test::MergeForm::Pairs),
                         [](const auto &info) { return info.param == test::MergeForm::Strings ? "Strings" : "Pairs"; });

} // namespace
} // namespace gmat
