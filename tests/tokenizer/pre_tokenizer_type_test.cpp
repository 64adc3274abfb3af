#include "common/error.hpp"
#include "common/json.hpp"
#include "tokenizer/pre_tokenizer_type.hpp"
#include "tokenizer_json_fixture.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

const std::string llama3_regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string qwen2_regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string byte_level_no_regex = R"({"type": "ByteLevel", "add_prefix_space": false, "use_regex": false})";

std::string split(const std::string &regex) {
    return R"({"type": "Split", "pattern": {"Regex": )" + test::json_quote(regex) +
           R"(}, "behavior": "Isolated", "invert": false})";
}

std::string sequence(const std::string &steps) { return R"({"type": "Sequence", "pretokenizers": [)" + steps + "]}"; }

struct Detected {
    std::string type;
    std::vector<std::string> warnings;
};

Detected detect(const std::string &pre_tokenizer_json, bool allow_unknown = false) {
    const rapidjson::Document doc = json::parse_text(pre_tokenizer_json, "test");
    Detected out;
    out.type = detect_pre_tokenizer_type(doc.IsNull() ? nullptr : &doc, "model.gmat/tokenizer.json",
                                         [&](const std::string &w) { out.warnings.push_back(w); }, allow_unknown);
    return out;
}

// The refusal's message: the file, the pre-tokenizer's steps, the override.
std::string refusal(const std::string &pre_tokenizer_json) {
    try {
        detect(pre_tokenizer_json);
    } catch (const GmatError &e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted " << pre_tokenizer_json;
    return "";
}

TEST(PreTokenizerType, ByteLevelWithItsOwnRegexIsGpt2) {
    const Detected d = detect(R"({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})");
    EXPECT_EQ(d.type, "gpt-2");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(PreTokenizerType, Llama3SplitIsLlamaBpe) {
    const Detected d = detect(sequence(split(llama3_regex) + ", " + byte_level_no_regex));
    EXPECT_EQ(d.type, "llama-bpe");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(PreTokenizerType, Qwen2SplitIsQwen2) {
    EXPECT_EQ(detect(sequence(split(qwen2_regex) + ", " + byte_level_no_regex)).type, "qwen2");
}

// DeepSeek-V3's tokenizer.json: three Splits (the third with CR and LF as
// the characters themselves), then ByteLevel without its regex.
TEST(PreTokenizerType, DeepseekV3sThreeSplitsAreDeepseekV3) {
    const std::string digits = R"(\p{N}{1,3})", cjk = "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
                      words = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}"
                              "\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
    const Detected d =
        detect(sequence(split(digits) + ", " + split(cjk) + ", " + split(words) + ", " + byte_level_no_regex));
    EXPECT_EQ(d.type, "deepseek-v3");
    EXPECT_TRUE(d.warnings.empty());
    // CR/LF written as regex escapes match alike, so they read as the same pre-tokenizer.
    std::string escaped = words;
    for (size_t at; (at = escaped.find("\r\n")) != std::string::npos;) escaped.replace(at, 2, "\\r\\n");
    EXPECT_EQ(detect(sequence(split(digits) + ", " + split(cjk) + ", " + split(escaped) + ", " + byte_level_no_regex)).type,
              "deepseek-v3");
    // Without the CJK split it is not DeepSeek-V3's.
    EXPECT_FALSE(refusal(sequence(split(digits) + ", " + split(words) + ", " + byte_level_no_regex)).empty());
}

TEST(PreTokenizerType, IndividualDigitsBeforeByteLevelIsStarcoder) {
    EXPECT_EQ(detect(sequence(R"({"type": "Digits", "individual_digits": true}, {"type": "ByteLevel"})")).type,
              "starcoder");
}

// llama.cpp's converter refuses a pre-tokenizer it does not recognise ("BPE
// pre-tokenizer was not recognized"): so does gmat, naming the file and the
// steps it read, unless --allow-unknown-pretokenizer asks for the fallback.
TEST(PreTokenizerType, AnUnknownPreTokenizerIsRefusedNamingTheFileAndTheValue) {
    const std::string m = refusal(sequence(split(R"(\w+|\s+)") + ", " + byte_level_no_regex));
    EXPECT_NE(m.find("model.gmat/tokenizer.json: pre_tokenizer [regex:\\w+|\\s+]"), std::string::npos) << m;
    EXPECT_NE(m.find("not a pre-tokenizer llama.cpp knows"), std::string::npos) << m;
    EXPECT_NE(m.find("--allow-unknown-pretokenizer"), std::string::npos) << m;
    const std::string extra = refusal(sequence(split(R"(\p{N}{1,3})") + ", " + split(llama3_regex) + ", " + byte_level_no_regex));
    EXPECT_NE(extra.find("regex:\\p{N}{1,3}"), std::string::npos) << extra;
    EXPECT_NE(extra.find("\"llama-bpe\", whose word-splitting regex is the same"), std::string::npos) << extra;
    EXPECT_FALSE(refusal(R"({"type": "Whitespace"})").empty());
}

TEST(PreTokenizerType, AllowedSameWordRegexWithExtraStepsFallsBackToThatTypeWithAWarning) {
    const Detected d =
        detect(sequence(split(R"(\p{N}{1,3})") + ", " + split(llama3_regex) + ", " + byte_level_no_regex), true);
    EXPECT_EQ(d.type, "llama-bpe");
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_NE(d.warnings[0].find("llama-bpe"), std::string::npos);
}

TEST(PreTokenizerType, AllowedUnknownRegexIsDefaultWithAWarning) {
    const Detected d = detect(sequence(split(R"(\w+|\s+)") + ", " + byte_level_no_regex), true);
    EXPECT_EQ(d.type, "default");
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_NE(d.warnings[0].find(R"(regex:\w+|\s+)"), std::string::npos) << d.warnings[0];
}

TEST(PreTokenizerType, SignatureListsSplitsDigitsAndByteLevelRegex) {
    const rapidjson::Document doc = json::parse_text(
        sequence(R"({"type": "Digits", "individual_digits": false}, )" + split("a") +
                 R"(, {"type": "Split", "pattern": {"String": " "}}, {"type": "Punctuation"}, {"type": "ByteLevel"})"),
        "test");
    const auto signature = pre_tokenizer_signature(&doc);
    ASSERT_EQ(signature.size(), 5u);
    EXPECT_EQ(signature[0], "digits");
    EXPECT_EQ(signature[1], "regex:a");
    EXPECT_EQ(signature[2], "string: ");
    EXPECT_EQ(signature[3], "Punctuation");
    EXPECT_EQ(signature[4].substr(0, 9), "regex:'s|");
}

} // namespace
} // namespace gmat
