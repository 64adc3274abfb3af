// A hand-encoded SentencePiece tokenizer.model, converted and loaded by
// llama.cpp: ids must be the ones the fixture's scores give by hand.
#include "llama_vocab_oracle.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

using test::byte_piece_id;
using test::piece_id;

class SentencePieceOracle : public ::testing::Test {
protected:
    void SetUp() override { fixture = test::hand_sentencepiece_fixture(); }

    Metadata convert(const TokenizerOptions &options = {}) {
        folder.write("tokenizer.model", test::encode_sentencepiece_model(fixture));
        Metadata out;
        append_tokenizer_metadata(folder.path(), options, out);
        return out;
    }
    int32_t id(const std::string &piece) const { return piece_id(fixture, piece); }

    test::TestFolder folder;
    test::SentencePieceFixture fixture;
};

TEST_F(SentencePieceOracle, WritesTheLlamaVocabulary) {
    const Metadata out = convert();
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "llama");
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.pre"), "default");
    const auto &tokens = *out.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    const auto &scores = *out.get<std::vector<float>>("tokenizer.ggml.scores");
    const auto &types = *out.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    ASSERT_EQ(tokens.size(), fixture.pieces.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
        EXPECT_EQ(tokens[i], fixture.pieces[i].text);
        EXPECT_EQ(scores[i], fixture.pieces[i].score);
        EXPECT_EQ(types[i], fixture.pieces[i].type);
    }
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_space_prefix"), true);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.unknown_token_id"), 0u);
    EXPECT_EQ(out.find("tokenizer.ggml.padding_token_id"), nullptr); // pad_id is -1
    EXPECT_EQ(out.find("tokenizer.ggml.merges"), nullptr);
}

TEST_F(SentencePieceOracle, LlamaCppTokenizesAsTheScoresSay) {
    const auto oracle = test::load_oracle(convert(), folder.path());
    EXPECT_EQ(oracle->n_tokens(), static_cast<int32_t>(fixture.pieces.size()));
    EXPECT_EQ(oracle->tokenize("Hello world", false), (std::vector<int32_t>{id("\u2581Hello"), id("\u2581world")}));
    EXPECT_EQ(oracle->tokenize("Hello\nworld!", false),
              (std::vector<int32_t>{id("\u2581Hello"), byte_piece_id('\n'), id("w"), id("or"), id("ld"),
                                    byte_piece_id('!')}));
    for (const std::string text : {"Hello world", "Hello\nworld!", "hold the door"})
        EXPECT_EQ(oracle->detokenize(oracle->tokenize(text, false)), text);
}

TEST_F(SentencePieceOracle, BosIsAddedByDefaultAndEosWhenConfigured) {
    auto oracle = test::load_oracle(convert(), folder.path());
    EXPECT_EQ(oracle->bos(), 1);
    EXPECT_EQ(oracle->eos(), 2);
    EXPECT_TRUE(oracle->add_bos());
    EXPECT_EQ(oracle->tokenize("Hello world", true), (std::vector<int32_t>{1, id("\u2581Hello"), id("\u2581world")}));

    folder.write("tokenizer_config.json", R"({"add_bos_token": false, "add_eos_token": true})");
    oracle = test::load_oracle(convert(), folder.path());
    EXPECT_FALSE(oracle->add_bos());
    EXPECT_TRUE(oracle->add_eos());
    EXPECT_EQ(oracle->tokenize("Hello world", true), (std::vector<int32_t>{id("\u2581Hello"), id("\u2581world"), 2}));
}

TEST_F(SentencePieceOracle, NoDummyPrefixMeansNoLeadingSpace) {
    fixture.add_dummy_prefix = false;
    const Metadata out = convert();
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_space_prefix"), false);
    const auto oracle = test::load_oracle(out, folder.path());
    // "Hello▁world": no ▁H piece can form, so H stays alone: H ello ▁world.
    EXPECT_EQ(oracle->tokenize("Hello world", false), (std::vector<int32_t>{id("H"), id("ello"), id("\u2581world")}));
}

TEST_F(SentencePieceOracle, PadsToVocabSizeWithUnusedTokens) {
    TokenizerOptions options;
    options.vocab_size = static_cast<uint32_t>(fixture.pieces.size()) + 3;
    const Metadata out = convert(options);
    const auto &tokens = *out.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    const auto &types = *out.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    const auto &scores = *out.get<std::vector<float>>("tokenizer.ggml.scores");
    ASSERT_EQ(tokens.size(), options.vocab_size);
    const size_t first_pad = fixture.pieces.size();
    EXPECT_EQ(tokens[first_pad], "[PAD" + std::to_string(first_pad) + "]");
    EXPECT_EQ(types[first_pad], 5);
    EXPECT_EQ(scores[first_pad], -10000.0f);
    const auto oracle = test::load_oracle(out, folder.path());
    EXPECT_EQ(oracle->n_tokens(), static_cast<int32_t>(options.vocab_size));
    EXPECT_EQ(oracle->tokenize("Hello world", false), (std::vector<int32_t>{id("\u2581Hello"), id("\u2581world")}));
}

TEST_F(SentencePieceOracle, AddedTokensJsonAndAddedTokensDecoderBecomeUserDefinedAndControl) {
    const int32_t first_new = static_cast<int32_t>(fixture.pieces.size());
    folder.write("added_tokens.json", "{\"<tool>\": " + std::to_string(first_new) + "}");
    folder.write("tokenizer_config.json", "{\"added_tokens_decoder\": {\"" + std::to_string(first_new + 1) +
                                              "\": {\"content\": \"<|im_end|>\", \"special\": true}}}");
    const Metadata out = convert();
    const auto &types = *out.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    const auto &scores = *out.get<std::vector<float>>("tokenizer.ggml.scores");
    ASSERT_EQ(types.size(), size_t(first_new) + 2);
    EXPECT_EQ(types[first_new], 4);     // USER_DEFINED
    EXPECT_EQ(types[first_new + 1], 3); // CONTROL
    EXPECT_EQ(scores[first_new], -1000.0f);
    const auto oracle = test::load_oracle(out, folder.path());
    // A user-defined token is matched in plain text; a control one only when parsing specials.
    EXPECT_EQ(oracle->tokenize("Hello<tool>", false), (std::vector<int32_t>{id("\u2581Hello"), first_new}));
    EXPECT_EQ(oracle->tokenize("Hello world<|im_end|>", false, true),
              (std::vector<int32_t>{id("\u2581Hello"), id("\u2581world"), first_new + 1}));
}

TEST_F(SentencePieceOracle, SpecialTokenIdsFromOptionsWin) {
    TokenizerOptions options;
    options.special_token_ids = {{"eos", 0}, {"eot", 2}};
    const auto oracle = test::load_oracle(convert(options), folder.path());
    EXPECT_EQ(oracle->eos(), 0);
    EXPECT_EQ(oracle->bos(), 1);
}

} // namespace
} // namespace gmat
