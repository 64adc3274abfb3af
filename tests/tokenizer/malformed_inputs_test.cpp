// Inputs that must fail with a message naming the file and what is wrong,
// and lossy cases that must warn.
#include "common/error.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"
#include "tokenizer_json_fixture.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

class MalformedInputs : public ::testing::Test {
protected:
    // The conversion's error message, or "" when it succeeded.
    std::string error(const TokenizerOptions &options = {}) {
        TokenizerOptions with_warnings = options;
        with_warnings.warn = [this](const std::string &w) { warnings.push_back(w); };
        try {
            append_tokenizer_metadata(folder.path(), with_warnings, out);
        } catch (const GmatError &e) {
            return e.what();
        }
        return "";
    }
    void write_byte_level(const test::BpeFixture &fixture) {
        folder.write("tokenizer.json", test::byte_level_tokenizer_json(fixture, {}));
    }
    static bool contains(const std::string &text, const std::string &part) {
        return text.find(part) != std::string::npos;
    }

    test::TestFolder folder;
    Metadata out;
    std::vector<std::string> warnings;
    test::BpeFixture byte_level = test::byte_level_fixture({});
};

TEST_F(MalformedInputs, MissingFolder) {
    Metadata metadata;
    EXPECT_THROW(append_tokenizer_metadata(folder.path() / "nope", {}, metadata), GmatError);
}

TEST_F(MalformedInputs, FolderWithoutTokenizer) {
    const std::string message = error();
    EXPECT_TRUE(contains(message, "no tokenizer found")) << message;
    EXPECT_TRUE(contains(message, folder.path().string())) << message;
    folder.write("vocab.json", "{}");
    EXPECT_TRUE(contains(error(), "vocab.json + merges.txt"));
}

TEST_F(MalformedInputs, InvalidJsonNamesFileAndOffset) {
    folder.write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"a": 0,}}})");
    const std::string message = error();
    EXPECT_TRUE(contains(message, "tokenizer.json: invalid JSON at offset")) << message;
}

TEST_F(MalformedInputs, NonBpeModelsAreRejected) {
    folder.write("tokenizer.json", R"({"model": {"type": "Unigram", "vocab": [["a", 0.0]]}})");
    EXPECT_TRUE(contains(error(), "model.type is \"Unigram\""));
}

TEST_F(MalformedInputs, MergeReferencingAnUnknownToken) {
    byte_level.merges.push_back({"Hello", "zzz"});
    write_byte_level(byte_level);
    const std::string message = error();
    EXPECT_TRUE(contains(message, "model.merges[10]")) << message;
    EXPECT_TRUE(contains(message, "\"zzz\", which is not in model.vocab")) << message;
}

TEST_F(MalformedInputs, MergeProducingAnUnknownToken) {
    byte_level.merges.push_back({"Hello", "!"});
    write_byte_level(byte_level);
    EXPECT_TRUE(contains(error(), "produces \"Hello!\""));
}

TEST_F(MalformedInputs, MergeStringWithoutOneSpace) {
    std::string json = test::byte_level_tokenizer_json(byte_level, {});
    json.replace(json.find("\"H e\""), 5, "\"He\"");
    folder.write("tokenizer.json", json);
    EXPECT_TRUE(contains(error(), "merge \"He\" is not two tokens"));
}

TEST_F(MalformedInputs, TwoTokensWithOneId) {
    std::string json = test::byte_level_tokenizer_json(byte_level, {});
    json.replace(json.find("\"He\": 256"), 9, "\"He\": 255");
    folder.write("tokenizer.json", json);
    EXPECT_TRUE(contains(error(), "gives id 255 to both"));
}

TEST_F(MalformedInputs, AddedTokenDuplicatingAnotherTokensText) {
    byte_level.added.push_back({static_cast<int>(byte_level.vocab.size()) + 2, "Hello", false});
    write_byte_level(byte_level);
    EXPECT_TRUE(contains(error(), "token text 'Hello' appears at ids"));
}

TEST_F(MalformedInputs, TokenWithANulByte) {
    byte_level.added.push_back({static_cast<int>(byte_level.vocab.size()) + 2, std::string("a\0b", 3), false});
    write_byte_level(byte_level);
    EXPECT_TRUE(contains(error(), "contains a NUL byte"));
}

TEST_F(MalformedInputs, BpeThatIsNeitherByteLevelNorSentencePieceStyle) {
    folder.write("tokenizer.json",
                 R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}})");
    EXPECT_TRUE(contains(error(), "neither byte-level"));
}

TEST_F(MalformedInputs, AddedTokenWithANonIntegerId) {
    folder.write("tokenizer.json", R"({"added_tokens": [{"id": "7", "content": "<x>"}],
        "pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})");
    EXPECT_TRUE(contains(error(), "added_tokens[0].id: expected a non-negative integer"));
}

TEST_F(MalformedInputs, VocabSizeBelowTheBaseVocabularyIsAnError) {
    write_byte_level(byte_level);
    TokenizerOptions options;
    options.vocab_size = 100;
    EXPECT_TRUE(contains(error(options), "past vocab_size 100 (the embedding's rows)"));
}

// Ids come from the file and size the vocabulary: one absurd id must be a
// clear error, not billions of padding tokens (found by fuzzing).
TEST_F(MalformedInputs, ModelVocabIdPastVocabSizeIsRefusedNamingTheToken) {
    folder.write("tokenizer.json", R"({"pre_tokenizer": {"type": "ByteLevel"},
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 4000000}, "merges": []}})");
    TokenizerOptions options;
    options.vocab_size = 1024;
    const std::string message = error(options);
    EXPECT_TRUE(contains(message, "tokenizer.json: model.vocab gives id 4000000 to \"b\", past vocab_size 1024"))
        << message;
}

TEST_F(MalformedInputs, IdsPastTheLargestVocabularyAreRefusedWithoutVocabSize) {
    folder.write("tokenizer.json", R"({"pre_tokenizer": {"type": "ByteLevel"},
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 4000000000}, "merges": []}})");
    std::string message = error();
    EXPECT_TRUE(contains(message, "model.vocab[\"b\"]: token id 4000000000 is past the 4194304 tokens gmat accepts"))
        << message;

    folder.write("tokenizer.json", R"({"added_tokens": [{"id": 3000000000, "content": "<x>"}],
        "pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})");
    message = error();
    EXPECT_TRUE(contains(message, "added_tokens[0].id: token id 3000000000 is past the 4194304 tokens")) << message;

    // The bound leaves room for the largest real vocabularies (Gemma 3: 262,144).
    folder.write("tokenizer.json", R"({"pre_tokenizer": {"type": "ByteLevel"},
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 300000}, "merges": []}})");
    EXPECT_EQ(error(), "");
    EXPECT_EQ(out.get<std::vector<std::string>>("tokenizer.ggml.tokens")->size(), 300001u);
}

TEST_F(MalformedInputs, AddedTokensPastVocabSizeAreDroppedWithAWarning) {
    write_byte_level(byte_level);
    TokenizerOptions options;
    options.vocab_size = static_cast<uint32_t>(byte_level.vocab.size()) + 1; // room for <|endoftext|> only
    EXPECT_EQ(error(options), "");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_TRUE(contains(warnings[0], "dropping added token \"<custom>\"")) << warnings[0];
    EXPECT_EQ(out.get<std::vector<std::string>>("tokenizer.ggml.tokens")->size(), options.vocab_size);
}

TEST_F(MalformedInputs, TiktokenTokenizerModelBesideTokenizerJsonIsSkippedWithAWarning) {
    folder.write("tokenizer.model", "IQ== 0\nIg== 1\n");
    write_byte_level(byte_level);
    EXPECT_EQ(error(), "");
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "gpt2");
    ASSERT_FALSE(warnings.empty());
    EXPECT_TRUE(contains(warnings[0], "not a SentencePiece model"));
}

TEST_F(MalformedInputs, BadConfigJsonIsAnError) {
    write_byte_level(byte_level);
    folder.write("tokenizer_config.json", "[1, 2]");
    EXPECT_TRUE(contains(error(), "tokenizer_config.json: expected a JSON object at the top level"));
}

TEST_F(MalformedInputs, OldTokenizerKeysAreReplacedAndAFailureLeavesOutputUntouched) {
    out.set("general.name", std::string("kept"));
    out.set("tokenizer.ggml.merges", std::vector<std::string>{"stale merge"});
    folder.write("tokenizer.model", test::encode_sentencepiece_model(test::hand_sentencepiece_fixture()));
    EXPECT_EQ(error(), "");
    EXPECT_EQ(out.find("tokenizer.ggml.merges"), nullptr);
    EXPECT_NE(out.find("general.name"), nullptr);

    const size_t keys = out.size();
    folder.write("tokenizer_config.json", R"({"chat_template": 1})");
    EXPECT_NE(error(), "");
    EXPECT_EQ(out.size(), keys);
    EXPECT_NE(out.find("tokenizer.ggml.tokens"), nullptr);
}

} // namespace
} // namespace gmat
