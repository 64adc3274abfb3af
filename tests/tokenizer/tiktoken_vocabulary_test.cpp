// Kimi K2's tiktoken.model read as llama.cpp's converter reads it: tokens,
// types, rebuilt merges and special ids must equal what
// tests/reference/kimi_tokenizer.py (a copy of the converter's procedure)
// computes; malformed files fail naming the file, line and fault, writing
// nothing.
#include "common/error.hpp"
#include "common/json.hpp"
#include "test_folder.hpp"
#include "tokenizer/tiktoken_merges.hpp"
#include "tokenizer/tiktoken_model.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <gtest/gtest.h>
#include <reference/reference_scripts.hpp>

#include <string>
#include <vector>

namespace gmat {
namespace {

constexpr uint32_t kVocab = 512;

std::vector<std::string> strings(const rapidjson::Value &array) {
    std::vector<std::string> out;
    for (const auto &v : array.GetArray()) out.emplace_back(v.GetString(), v.GetStringLength());
    return out;
}

std::vector<int32_t> ints(const rapidjson::Value &array) {
    std::vector<int32_t> out;
    for (const auto &v : array.GetArray()) out.push_back(v.GetInt());
    return out;
}

class KimiTiktoken : public ::testing::Test {
protected:
    void SetUp() override {
        folder.write("config.json", R"({"vocab_size": 512, "bos_token_id": 1, "eos_token_id": 2})");
        reference::run_reference_script("kimi_tokenizer.py",
                                        {"write", folder.path().string(), "--vocab", std::to_string(kVocab)});
    }
    // What the converter writes for the folder, per kimi_tokenizer.py.
    rapidjson::Document expected(std::optional<uint32_t> vocab) const {
        std::vector<std::string> args{"expect", folder.path().string()};
        if (vocab) args.insert(args.end(), {"--vocab", std::to_string(*vocab)});
        return json::parse_text(reference::run_reference_script("kimi_tokenizer.py", args), "kimi_tokenizer.py");
    }
    Metadata convert(uint32_t vocab_size) {
        TokenizerOptions options;
        options.vocab_size = vocab_size;
        options.warn = [this](const std::string &w) { warnings.push_back(w); };
        Metadata out;
        append_tokenizer_metadata(folder.path(), options, out);
        return out;
    }

    test::TestFolder folder;
    std::vector<std::string> warnings;
};

TEST_F(KimiTiktoken, MatchesTheConvertersVocabularyMergesAndSpecialIds) {
    const Metadata out = convert(kVocab);
    const rapidjson::Document want = expected(kVocab);
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.pre"), "kimi-k2");
    EXPECT_EQ(*out.get<std::vector<std::string>>("tokenizer.ggml.tokens"), strings(want["tokens"]));
    EXPECT_EQ(*out.get<std::vector<int32_t>>("tokenizer.ggml.token_type"), ints(want["types"]));
    const auto &merges = *out.get<std::vector<std::string>>("tokenizer.ggml.merges");
    EXPECT_EQ(merges, strings(want["merges"]));
    EXPECT_GT(merges.size(), 100u);
    EXPECT_EQ(out.find("tokenizer.ggml.scores"), nullptr);
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.bos_token_id"),
              static_cast<uint32_t>(want["special"]["bos"].GetInt()));
    EXPECT_EQ(*out.get<uint32_t>("tokenizer.ggml.eos_token_id"),
              static_cast<uint32_t>(want["special"]["eos"].GetInt()));
    // tokenizer_config.json names [UNK] and [PAD], but SpecialVocab finds such
    // texts only in tokenizer.json: the converter writes no unk or pad id.
    EXPECT_EQ(out.find("tokenizer.ggml.unknown_token_id"), nullptr);
    EXPECT_EQ(out.find("tokenizer.ggml.padding_token_id"), nullptr);
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template"), want["chat_template"].GetString());
    EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST_F(KimiTiktoken, WithoutVocabSizeAll256ReservedIdsFollowTheRanks) {
    const Metadata out = convert(0);
    const rapidjson::Document want = expected(std::nullopt);
    const auto &tokens = *out.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    EXPECT_EQ(tokens, strings(want["tokens"]));
    EXPECT_EQ(*out.get<std::vector<int32_t>>("tokenizer.ggml.token_type"), ints(want["types"]));
    ASSERT_EQ(tokens.size(), 384u + 256u);
    EXPECT_EQ(tokens[639], "<|reserved_token_639|>");
}

TEST_F(KimiTiktoken, IdsPastTheReservedOnesArePadding) {
    const Metadata out = convert(700);
    const rapidjson::Document want = expected(700);
    const auto &tokens = *out.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    EXPECT_EQ(tokens, strings(want["tokens"]));
    EXPECT_EQ(*out.get<std::vector<int32_t>>("tokenizer.ggml.token_type"), ints(want["types"]));
    EXPECT_EQ(tokens[699], "[PAD699]");
}

TEST_F(KimiTiktoken, MoreRanksThanVocabSizeIsRefused) {
    Metadata out;
    TokenizerOptions options;
    options.vocab_size = 300;
    try {
        append_tokenizer_metadata(folder.path(), options, out);
        FAIL() << "accepted 384 ranks for vocab_size 300";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tiktoken.model: the tokenizer has 384 tokens but vocab_size"),
                  std::string::npos)
            << e.what();
    }
}

// Found by the tiktoken_model fuzz target: rank 169 was "\xa9\x00" instead of
// a byte, so the merge "\xa9 \x00" named a token that did not exist.
TEST_F(KimiTiktoken, EveryByteMustBeATokenOfItsOwn) {
    std::string text;
    for (int byte = 0; byte < 256; ++byte) {
        static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const std::string token = byte == 0x41 ? std::string("QUI=") /* "AB" */
                                               : std::string{b64[byte >> 2], b64[(byte & 3) << 4], '=', '='};
        text += token + " " + std::to_string(byte) + "\n";
    }
    folder.write("tiktoken.model", text);
    Metadata out;
    try {
        append_tokenizer_metadata(folder.path(), {}, out);
        FAIL() << "accepted a vocabulary without the byte 0x41";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tiktoken.model: no token is the single byte 0x41"), std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(out.entries().empty());
}

TEST_F(KimiTiktoken, AddedTokensOutsideTheReservedIdsAreLeftOutWithAWarning) {
    folder.write("tokenizer_config.json",
                 R"({"added_tokens_decoder": {"384": {"content": "[BOS]"}, "7": {"content": "<oops>"}}})");
    const Metadata out = convert(kVocab);
    const auto &tokens = *out.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    EXPECT_EQ(tokens[384], "[BOS]");
    EXPECT_EQ(tokens[385], "<|reserved_token_385|>");
    EXPECT_NE(tokens[7], "<oops>");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("added_tokens_decoder[\"7\"]"), std::string::npos) << warnings[0];
}

// The converter's bpe(max_rank=rank): lowest rank first, leftmost on ties,
// only ranks below the token's own; two parts make a merge, more make none.
TEST(TiktokenMerges, RebuildsMergesFromRanks) {
    const std::string text = "YQ== 0\nYg== 1\nYw== 2\nYWI= 3\nYmM= 4\nYWJj 5\nYWJhYg== 6\nYWJjYWJj 7\n"
                             "Y2Jh 8\n";
    // a b c ab bc abc abab abcabc cba
    const TiktokenModel model = parse_tiktoken_model(text, "t.model");
    const auto merges = tiktoken_merges(model);
    const std::vector<std::pair<std::string, std::string>> want{
        {"a", "b"}, {"b", "c"}, {"ab", "c"}, {"ab", "ab"}, {"abc", "abc"}};
    EXPECT_EQ(merges, want); // "cba" stays c b a: no merge
    const TiktokenRanks ranks = tiktoken_ranks(model);
    EXPECT_EQ(bpe_parts(ranks, "abab", 6), (std::vector<std::string_view>{"ab", "ab"}));
    EXPECT_EQ(bpe_parts(ranks, "abab", 3), (std::vector<std::string_view>{"a", "b", "a", "b"}));
    EXPECT_EQ(bpe_parts(ranks, "abcabc", 100), (std::vector<std::string_view>{"abcabc"}));
}

TEST(TiktokenModelFile, RanksMayComeInAnyOrderAndBlankLinesAreSkipped) {
    const TiktokenModel model = parse_tiktoken_model("Yg== 1\n\nYQ== 0\r\n", "t.model");
    EXPECT_EQ(model.tokens, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(model.ranks_in_file, (std::vector<uint32_t>{1, 0}));
}

std::string parse_error(const std::string &text) {
    try {
        parse_tiktoken_model(text, "dir/tiktoken.model");
    } catch (const GmatError &e) {
        return e.what();
    }
    return "accepted";
}

TEST(TiktokenModelFile, MalformedLinesNameFileLineAndFault) {
    const std::pair<std::string, std::string> cases[] = {
        {"YQ== 0\nYg=a 1\n", "dir/tiktoken.model:2: token 'Yg=a' is not base64: '=' at position 3 is padding"},
        {"YQ== 0\nY#== 1\n", "dir/tiktoken.model:2: token 'Y#==' is not base64: '#' at position 2"},
        {"YQ= 0\n", "dir/tiktoken.model:1: token 'YQ=' is not base64: base64 length 3"},
        {"YQ==\n", "dir/tiktoken.model:1: expected '<base64 token> <rank>', found one field (no rank)"},
        {"YQ== 0 extra\n", "dir/tiktoken.model:1: expected '<base64 token> <rank>', found 3 fields"},
        {"YQ== zero\n", "dir/tiktoken.model:1: rank 'zero' is not a non-negative decimal integer"},
        {"YQ== -1\n", "dir/tiktoken.model:1: rank '-1' is not a non-negative decimal integer"},
        {"YQ== 0\nYg== 0\n", "dir/tiktoken.model:2: rank 0 is already given on line 1"},
        {"YQ== 0\n\nYg== 2\n", "dir/tiktoken.model:3: rank 2 is past the 2 tokens the file holds (ranks must be 0..1)"},
        {"YQ== 0\nYQ== 1\n", "dir/tiktoken.model:2: the same token bytes are already given on line 1"},
        {"YQ== 99999999999\n", "dir/tiktoken.model:1: token id"},
        {"\n\n", "dir/tiktoken.model: holds no tokens"},
    };
    for (const auto &[text, message] : cases) {
        const std::string error = parse_error(text);
        EXPECT_EQ(error.rfind(message, 0), 0u) << "input: " << text << "\nerror: " << error;
    }
}

TEST_F(KimiTiktoken, AMalformedFileWritesNothing) {
    folder.write("tiktoken.model", "YQ== 0\nnot-base64 1\n");
    Metadata out;
    out.set("tokenizer.ggml.model", std::string("keep"));
    try {
        append_tokenizer_metadata(folder.path(), {}, out);
        FAIL() << "accepted a malformed tiktoken.model";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tiktoken.model:2: token 'not-base64' is not base64"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(*out.get<std::string>("tokenizer.ggml.model"), "keep");
    EXPECT_EQ(out.entries().size(), 1u);
}

} // namespace
} // namespace gmat
