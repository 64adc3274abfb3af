// Precedence of the special token ids and add_* flags (special_tokens.hpp).
#include "common/error.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"
#include "tokenizer_json_fixture.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

class SpecialTokens : public ::testing::Test {
protected:
    void SetUp() override {
        folder.write("tokenizer.model", test::encode_sentencepiece_model(test::hand_sentencepiece_fixture()));
    }
    Metadata convert(TokenizerOptions options = {}) {
        options.warn = [this](const std::string &w) { warnings.push_back(w); };
        Metadata out;
        append_tokenizer_metadata(folder.path(), options, out);
        return out;
    }
    static uint32_t id_of(const Metadata &out, const char *role) {
        const uint32_t *id = out.get<uint32_t>(std::string("tokenizer.ggml.") + role + "_token_id");
        return id ? *id : 0xffffffffu;
    }

    test::TestFolder folder;
    std::vector<std::string> warnings;
    const int32_t ll = test::piece_id(test::hand_sentencepiece_fixture(), "ll");
    const int32_t ld = test::piece_id(test::hand_sentencepiece_fixture(), "ld");
};

TEST_F(SpecialTokens, TrainerSpecIdsAreTheFallback) {
    const Metadata out = convert();
    EXPECT_EQ(id_of(out, "bos"), 1u);
    EXPECT_EQ(id_of(out, "eos"), 2u);
    EXPECT_EQ(id_of(out, "unknown"), 0u);
}

TEST_F(SpecialTokens, TokenizerConfigTextBeatsConfigJsonId) {
    folder.write("tokenizer_config.json", R"({"eos_token": {"content": "ll", "special": true}})");
    folder.write("config.json", R"({"eos_token_id": 5, "pad_token_id": 7})");
    const Metadata out = convert();
    EXPECT_EQ(id_of(out, "eos"), uint32_t(ll));
    EXPECT_EQ(id_of(out, "padding"), 7u);
}

TEST_F(SpecialTokens, SpecialTokensMapFillsWhatTokenizerConfigLacks) {
    folder.write("tokenizer_config.json", R"({"bos_token": null})");
    folder.write("special_tokens_map.json", R"({"bos_token": "ld", "eos_token": {"content": "ll"}})");
    const Metadata out = convert();
    EXPECT_EQ(id_of(out, "bos"), uint32_t(ld));
    EXPECT_EQ(id_of(out, "eos"), uint32_t(ll));
}

TEST_F(SpecialTokens, GenerationConfigComesAfterConfigJsonAndListsAreSkipped) {
    folder.write("config.json", R"({"text_config": {"bos_token_id": 9}, "eos_token_id": [10, 11]})");
    folder.write("generation_config.json", R"({"bos_token_id": 12, "eos_token_id": 13, "pad_token_id": 14})");
    const Metadata out = convert();
    EXPECT_EQ(id_of(out, "bos"), 9u);
    EXPECT_EQ(id_of(out, "eos"), 13u);
    EXPECT_EQ(id_of(out, "padding"), 14u);
}

TEST_F(SpecialTokens, UnknownTextAndOutOfRangeIdsWarnAndFallThrough) {
    folder.write("tokenizer_config.json", R"({"bos_token": "<|not there|>"})");
    folder.write("config.json", R"({"bos_token_id": 100000})");
    const Metadata out = convert();
    EXPECT_EQ(id_of(out, "bos"), 1u); // trainer_spec
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_NE(warnings[0].find("<|not there|>"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[1].find("100000"), std::string::npos) << warnings[1];
}

TEST_F(SpecialTokens, OptionsOverrideEverything) {
    folder.write("tokenizer_config.json", R"({"eos_token": "ll"})");
    TokenizerOptions options;
    options.special_token_ids = {{"eos", 3}, {"eot", 4}, {"fim_pre", 5}};
    const Metadata out = convert(options);
    EXPECT_EQ(id_of(out, "eos"), 3u);
    EXPECT_EQ(id_of(out, "eot"), 4u);
    EXPECT_EQ(id_of(out, "fim_pre"), 5u);
}

TEST_F(SpecialTokens, OptionsWithUnknownRoleOrBadIdAreErrors) {
    TokenizerOptions options;
    options.special_token_ids = {{"beginning", 1}};
    EXPECT_THROW(convert(options), GmatError);
    options.special_token_ids = {{"bos", 1u << 20}};
    try {
        convert(options);
        FAIL();
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("bos = 1048576"), std::string::npos) << e.what();
    }
}

TEST_F(SpecialTokens, AddFlagsComeFromTokenizerConfig) {
    folder.write("tokenizer_config.json", R"({"add_bos_token": false, "add_eos_token": true})");
    const Metadata out = convert();
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_bos_token"), false);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_eos_token"), true);
}

TEST_F(SpecialTokens, TokenizerJsonPostProcessorCountsBesideTokenizerModel) {
    folder.write("tokenizer.json", R"({"model": {"type": "Unigram"}, "post_processor": {"type": "TemplateProcessing",
        "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}]}})");
    const Metadata out = convert();
    EXPECT_EQ(out.find("tokenizer.ggml.add_bos_token"), nullptr);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_eos_token"), true);
    EXPECT_EQ(id_of(out, "eos"), 2u);
}

TEST_F(SpecialTokens, AddPrefixSpaceInTokenizerConfigWinsOverTheModel) {
    folder.write("tokenizer_config.json", R"({"add_prefix_space": false})");
    EXPECT_EQ(*convert().get<bool>("tokenizer.ggml.add_space_prefix"), false);
}

TEST_F(SpecialTokens, WrongTypesAreErrorsNamingFileAndKey) {
    folder.write("tokenizer_config.json", R"({"add_bos_token": "yes"})");
    try {
        convert();
        FAIL();
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer_config.json: add_bos_token"), std::string::npos) << e.what();
    }
    folder.write("tokenizer_config.json", R"({"eos_token": 5})");
    EXPECT_THROW(convert(), GmatError);
    folder.write("tokenizer_config.json", "{}");
    folder.write("config.json", R"({"eos_token_id": "2"})");
    EXPECT_THROW(convert(), GmatError);
}

TEST(SpecialTokensTemplate, TrailingSpecialTokenSetsAddEos) {
    test::TestFolder folder;
    test::BpeFixture fixture = test::byte_fallback_fixture();
    std::string json = test::byte_fallback_tokenizer_json(fixture, test::SpaceHandling::PrependReplaceNormalizer);
    const std::string single = R"({"Sequence": {"id": "A", "type_id": 0}}])";
    json.replace(json.find(single), single.size(),
                 R"({"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}])");
    folder.write("tokenizer.json", json);
    Metadata out;
    append_tokenizer_metadata(folder.path(), {}, out);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_bos_token"), true);
    EXPECT_EQ(*out.get<bool>("tokenizer.ggml.add_eos_token"), true);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.eos_token_id"), 2u);
}

} // namespace
} // namespace gmat
