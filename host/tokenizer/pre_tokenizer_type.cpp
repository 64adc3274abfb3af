#include "tokenizer/pre_tokenizer_type.hpp"

#include "common/error.hpp"
#include "tokenizer/hf_tokenizer_json.hpp"
#include "tokenizer/tokenizer_folder.hpp"

namespace gmat {

namespace {

// The regex HF's ByteLevel pre-tokenizer applies when use_regex is true.
constexpr const char *gpt2_regex = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

struct KnownPreTokenizer {
    const char *name;
    std::vector<std::string> signature;
};

// A literal CR or LF in a regex matches as its escape does: both spellings
// give one signature (DeepSeek-V3's tokenizer.json holds the characters).
std::string regex_step(const std::string &regex) {
    std::string out = "regex:";
    for (char c : regex) out += c == '\r' ? "\\r" : c == '\n' ? "\\n" : std::string(1, c);
    return out;
}

// Split regexes as tokenizer.json stores them, from the "original regex from
// tokenizer.json" notes in llama.cpp's llama-vocab.cpp. Earlier entries win
// when two share a regex (qwen2 over grok-2, which tokenize alike).
const std::vector<KnownPreTokenizer> &known_pre_tokenizers() {
    static const std::vector<KnownPreTokenizer> table = {
        {"gpt-2", {regex_step(gpt2_regex)}},
        {"starcoder", {"digits:individual", regex_step(gpt2_regex)}},
        {"llama-bpe",
         {regex_step(
             R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
        {"qwen2",
         {regex_step(
             R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
        {"qwen35",
         {regex_step(
             R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
        {"tekken",
         {regex_step(
             R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
        {"gpt-4o",
         {regex_step(
             R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
        // DeepSeek-V3 / R1 (Kimi K2 ships a tiktoken file instead): three Splits,
        // digits in threes, CJK runs, then words; the third regex holds CR and LF
        // as the characters themselves, as that tokenizer.json stores them.
        {"deepseek-v3",
         {regex_step(R"(\p{N}{1,3})"), regex_step("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+"),
          regex_step("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
                     "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+")}},
        {"bailingmoe",
         {regex_step(
             R"('(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+)")}},
        {"exaone-moe",
         {regex_step(
             R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+)")}},
        {"minicpm5",
         {regex_step(R"(\p{N}{1,3})"),
          regex_step(
              R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}+| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)")}},
    };
    return table;
}

std::string json_string(const rapidjson::Value *value) {
    return value && value->IsString() ? std::string(value->GetString(), value->GetStringLength()) : std::string();
}

// One pre-tokenizer step's contribution to the signature.
void append_step(const rapidjson::Value &step, std::vector<std::string> &signature) {
    const std::string type = step_type(step);
    if (type == "Split") {
        const auto *pattern = find_member(step, "pattern");
        if (const auto *regex = pattern ? find_member(*pattern, "Regex") : nullptr)
            signature.push_back(regex_step(json_string(regex)));
        else if (const auto *literal = pattern ? find_member(*pattern, "String") : nullptr)
            signature.push_back("string:" + json_string(literal));
        else signature.push_back("Split");
    } else if (type == "ByteLevel") {
        const auto *use_regex = find_member(step, "use_regex");
        if (!use_regex || !use_regex->IsBool() || use_regex->GetBool()) signature.push_back(regex_step(gpt2_regex));
    } else if (type == "Digits") {
        const auto *individual = find_member(step, "individual_digits");
        signature.push_back(individual && individual->IsBool() && individual->GetBool() ? "digits:individual"
                                                                                        : "digits");
    } else {
        signature.push_back(type.empty() ? std::string("unknown step") : type);
    }
}

std::string describe(const std::vector<std::string> &signature) {
    std::string out;
    for (const auto &step : signature) out += (out.empty() ? "[" : ", ") + step;
    return out.empty() ? "[]" : out + "]";
}

} // namespace

std::vector<std::string> pre_tokenizer_signature(const rapidjson::Value *pre_tokenizer) {
    std::vector<std::string> signature;
    for_each_step(pre_tokenizer, [&](const rapidjson::Value &step) { append_step(step, signature); });
    return signature;
}

std::string detect_pre_tokenizer_type(const rapidjson::Value *pre_tokenizer, const std::string &file,
                                      const std::function<void(const std::string &)> &warn, bool allow_unknown) {
    const std::vector<std::string> signature = pre_tokenizer_signature(pre_tokenizer);
    for (const auto &known : known_pre_tokenizers())
        if (known.signature == signature) return known.name;
    const KnownPreTokenizer *same_words = nullptr;
    if (!signature.empty())
        for (const auto &known : known_pre_tokenizers())
            if (!same_words && known.signature.back() == signature.back()) same_words = &known;
    const std::string fallback = same_words ? same_words->name : "default";
    const std::string why = same_words ? "\"" + fallback + "\", whose word-splitting regex is the same"
                                       : "\"default\" (tokenization may differ from HF)";
    if (!allow_unknown)
        throw GmatError(file + ": pre_tokenizer " + describe(signature) +
                        " is not a pre-tokenizer llama.cpp knows, so llama.cpp may split text differently from the "
                        "HF tokenizer; llama.cpp's convert_hf_to_gguf.py refuses such a model too (\"BPE "
                        "pre-tokenizer was not recognized\"). --allow-unknown-pretokenizer exports it anyway as " +
                        why);
    warn(file + ": pre_tokenizer " + describe(signature) + " is not a known llama.cpp pre-tokenizer; using " + why +
         " (--allow-unknown-pretokenizer)");
    return fallback;
}

} // namespace gmat
