// A Llama-2 style byte-fallback BPE tokenizer.json, converted to a "llama"
// vocabulary whose merge-rank scores make llama.cpp replay HF's BPE.
#include "llama_vocab_oracle.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"
#include "tokenizer_json_fixture.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

const std::string M = "\u2581"; // ▁

int32_t byte_id(unsigned char byte) { return 3 + byte; }

class SentencePieceStyleBpe : public ::testing::Test {
protected:
    Metadata convert(test::SpaceHandling spaces = test::SpaceHandling::PrependReplaceNormalizer) {
        folder.write("tokenizer.json", test::byte_fallback_tokenizer_json(fixture, spaces));
        folder.write("tokenizer_config.json", R"({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
            "add_bos_token": true, "add_eos_token": false, "chat_template": "{{ bos_token }}{{ messages }}"})");
        Metadata out;
        append_tokenizer_metadata(folder.path(), {}, out);
        return out;
    }
    int32_t id(const std::string &token) const { return fixture.id(token); }

    test::TestFolder folder;
    test::BpeFixture fixture = test::byte_fallback_fixture();
};

TEST_F(SentencePieceStyleBpe, WritesALlamaVocabularyWithTypesAndRankScores) {
    const Metadata out = convert();
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "llama");
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.pre"), "default");
    EXPECT_EQ(out.find("tokenizer.ggml.merges"), nullptr);
    const auto &types = *out.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    const auto &scores = *out.get<std::vector<float>>("tokenizer.ggml.scores");
    EXPECT_EQ(types[0], 2); // <unk>: UNKNOWN
    EXPECT_EQ(types[1], 3); // <s>: CONTROL
    EXPECT_EQ(types[byte_id('\n')], 6);
    EXPECT_EQ(types[id("ell")], 1);
    EXPECT_EQ(types[id("<|im_end|>")], 3);
    EXPECT_EQ(scores[id("ll")], 0.0f);                   // merge 0
    EXPECT_EQ(scores[id("ell")], -5.0f);                 // merge 5
    EXPECT_LT(scores[id("l")], scores[id(M + "world")]); // never produced by a merge: below all of them
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_space_prefix"), true);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.unknown_token_id"), 0u);
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template"), "{{ bos_token }}{{ messages }}");
}

TEST_F(SentencePieceStyleBpe, LlamaCppMatchesHfBpeWithByteFallback) {
    const auto oracle = test::load_oracle(convert(), folder.path());
    EXPECT_EQ(oracle->tokenize("Hello world", true), (std::vector<int32_t>{1, id(M + "Hello"), id(M + "world")}));
    // '\n' and '!' have no token: byte fallback, as HF's BPE does.
    EXPECT_EQ(oracle->tokenize("Hello\nworld!", false),
              (std::vector<int32_t>{id(M + "Hello"), byte_id('\n'), id("w"), id("or"), id("ld"), byte_id('!')}));
    // "▁lol": "l o" outranks "o l", so lo l; llama.cpp only agrees if the scores keep rank order.
    EXPECT_EQ(oracle->tokenize("lol", false), (std::vector<int32_t>{id(M), id("lo"), id("l")}));
    EXPECT_EQ(oracle->tokenize("world<|im_end|>", false, true),
              (std::vector<int32_t>{id(M + "world"), id("<|im_end|>")}));
    for (const std::string text : {"Hello world", "Hello\nworld!", "d\xC3\xA9j\xC3\xA0 vu"})
        EXPECT_EQ(oracle->detokenize(oracle->tokenize(text, false)), text);
    EXPECT_TRUE(oracle->add_bos());
    EXPECT_FALSE(oracle->add_eos());
}

TEST_F(SentencePieceStyleBpe, MetaspacePrependSchemeSetsTheSpacePrefix) {
    Metadata out = convert(test::SpaceHandling::MetaspaceFirst);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_space_prefix"), true);
    EXPECT_EQ(test::load_oracle(out, folder.path())->tokenize("Hello world", false),
              (std::vector<int32_t>{id(M + "Hello"), id(M + "world")}));

    out = convert(test::SpaceHandling::MetaspaceNever);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_space_prefix"), false);
    // "Hello▁world": no ▁ before H, so H ello ▁world (merges e ll, ell o).
    EXPECT_EQ(test::load_oracle(out, folder.path())->tokenize("Hello world", false),
              (std::vector<int32_t>{id("H"), id("ello"), id(M + "world")}));
}

TEST_F(SentencePieceStyleBpe, ConfigJsonIdsFillRolesTheTokenizerConfigLeavesOpen) {
    folder.write("config.json", R"({"vocab_size": 300, "pad_token_id": 0, "bos_token_id": 2})");
    const Metadata out = convert();
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.padding_token_id"), 0u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"), 1u); // tokenizer_config's "<s>" wins
}

} // namespace
} // namespace gmat
