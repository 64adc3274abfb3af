#include "tokenizer_json_fixture.hpp"

#include <cstdio>
#include <stdexcept>

namespace gmat::test {

namespace {

std::string utf8(uint32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return out;
}

bool printable_byte(unsigned b) {
    return (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

std::string vocab_json(const BpeFixture &fixture) {
    std::string out = "{";
    for (size_t id = 0; id < fixture.vocab.size(); ++id)
        out += (id ? ", " : "") + json_quote(fixture.vocab[id]) + ": " + std::to_string(id);
    return out + "}";
}

std::string merges_json(const BpeFixture &fixture, MergeForm form) {
    std::string out = "[";
    for (size_t i = 0; i < fixture.merges.size(); ++i) {
        const auto &[left, right] = fixture.merges[i];
        out += i ? ", " : "";
        out += form == MergeForm::Strings ? json_quote(left + " " + right)
                                          : "[" + json_quote(left) + ", " + json_quote(right) + "]";
    }
    return out + "]";
}

std::string added_tokens_json(const BpeFixture &fixture) {
    std::string out = "[";
    for (size_t i = 0; i < fixture.added.size(); ++i) {
        const auto &token = fixture.added[i];
        out += (i ? ", " : "") + std::string("{\"id\": ") + std::to_string(token.id) +
               ", \"content\": " + json_quote(token.content) +
               ", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": " +
               (token.special ? "true" : "false") + "}";
    }
    return out + "]";
}

constexpr const char *llama3_regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

} // namespace

std::string json_quote(const std::string &text) {
    std::string out = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') out += std::string("\\") + c;
        else if (u < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else out += c;
    }
    return out + "\"";
}

int BpeFixture::id(const std::string &token) const {
    for (size_t i = 0; i < vocab.size(); ++i)
        if (vocab[i] == token) return static_cast<int>(i);
    for (const auto &a : added)
        if (a.content == token) return a.id;
    throw std::runtime_error("fixture has no token '" + token + "'");
}

std::vector<int> BpeFixture::ids(const std::vector<std::string> &tokens) const {
    std::vector<int> out;
    for (const auto &t : tokens) out.push_back(id(t));
    return out;
}

std::string byte_level_char(unsigned char byte) {
    if (printable_byte(byte)) return utf8(byte);
    uint32_t n = 0; // the non-printable bytes map to U+0100.. in byte order
    for (unsigned b = 0; b < byte; ++b) n += !printable_byte(b);
    return utf8(0x100 + n);
}

BpeFixture byte_level_fixture(const ByteLevelOptions &options) {
    BpeFixture fixture;
    // GPT-2 order: the printable bytes first, then the others.
    for (unsigned b = 0; b < 256; ++b)
        if (printable_byte(b)) fixture.vocab.push_back(byte_level_char(b));
    for (unsigned b = 0; b < 256; ++b)
        if (!printable_byte(b)) fixture.vocab.push_back(byte_level_char(b));
    const std::string G = byte_level_char(' '); // "Ġ"
    for (const std::string &t :
         {std::string("He"), std::string("ll"), std::string("lo"), std::string("Hell"), std::string("Hello"), G + "w",
          std::string("or"), G + "wor", std::string("ld"), G + "world", G + "there"})
        fixture.vocab.push_back(t);
    fixture.merges = {{"H", "e"}, {"l", "l"}, {"l", "o"},      {"He", "ll"}, {"Hell", "o"},
                      {G, "w"},   {"o", "r"}, {G + "w", "or"}, {"l", "d"},   {G + "wor", "ld"}};
    int next = static_cast<int>(fixture.vocab.size());
    fixture.added = {{next++, "<|endoftext|>", true}, {next++, "<custom>", false}};
    if (options.llama3) fixture.added.push_back({next++, "<|begin_of_text|>", true});
    return fixture;
}

std::string byte_level_tokenizer_json(const BpeFixture &fixture, const ByteLevelOptions &options) {
    const std::string byte_level =
        R"({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": )";
    std::string pre_tokenizer, post_processor = "null";
    if (options.llama3) {
        pre_tokenizer = R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": )" +
                        json_quote(llama3_regex) + R"(}, "behavior": "Isolated", "invert": false}, )" + byte_level +
                        "false}]}";
        post_processor =
            R"({"type": "Sequence", "processors": [)" + byte_level +
            R"(true}, {"type": "TemplateProcessing", )"
            R"("single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], )"
            R"("pair": [], "special_tokens": {}}]})";
    } else {
        pre_tokenizer = byte_level + "true}";
    }
    return std::string("{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,\n") +
           "\"added_tokens\": " + added_tokens_json(fixture) +
           ",\n\"normalizer\": null,\n\"pre_tokenizer\": " + pre_tokenizer +
           ",\n\"post_processor\": " + post_processor + ",\n\"decoder\": " + byte_level + "true},\n" +
           "\"model\": {\"type\": \"BPE\", \"dropout\": null, \"unk_token\": null, \"continuing_subword_prefix\": "
           "null, "
           "\"end_of_word_suffix\": null, \"fuse_unk\": false, \"byte_fallback\": false, \"ignore_merges\": " +
           (options.llama3 ? "true" : "false") + ",\n\"vocab\": " + vocab_json(fixture) +
           ",\n\"merges\": " + merges_json(fixture, options.merge_form) + "}}\n";
}

BpeFixture byte_fallback_fixture() {
    BpeFixture fixture;
    fixture.vocab = {"<unk>", "<s>", "</s>"};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        fixture.vocab.push_back(name);
    }
    const std::string M = "\u2581"; // ▁
    for (const std::string &t : {M,
                                 std::string("H"),
                                 std::string("e"),
                                 std::string("l"),
                                 std::string("o"),
                                 std::string("w"),
                                 std::string("r"),
                                 std::string("d"),
                                 std::string("ll"),
                                 M + "w",
                                 std::string("or"),
                                 M + "wor",
                                 M + "H",
                                 std::string("ell"),
                                 std::string("llo"),
                                 std::string("ello"),
                                 M + "Hello",
                                 std::string("ld"),
                                 M + "world",
                                 std::string("lo"),
                                 std::string("ol")})
        fixture.vocab.push_back(t);
    fixture.merges = {{"l", "l"},        {M, "w"},    {"o", "r"},   {M + "w", "or"},   {M, "H"},
                      {"e", "ll"},       {"ll", "o"}, {"ell", "o"}, {M + "H", "ello"}, {"l", "d"},
                      {M + "wor", "ld"}, {"l", "o"},  {"o", "l"}};
    fixture.added = {{0, "<unk>", true},
                     {1, "<s>", true},
                     {2, "</s>", true},
                     {static_cast<int>(fixture.vocab.size()), "<|im_end|>", true}};
    return fixture;
}

std::string byte_fallback_tokenizer_json(const BpeFixture &fixture, SpaceHandling spaces) {
    const std::string M = json_quote("\u2581");
    std::string normalizer = "null", pre_tokenizer = "null";
    if (spaces == SpaceHandling::PrependReplaceNormalizer) {
        normalizer = R"({"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": )" + M +
                     R"(}, {"type": "Replace", "pattern": {"String": " "}, "content": )" + M + "}]}";
    } else {
        pre_tokenizer = R"({"type": "Metaspace", "replacement": )" + M + R"(, "prepend_scheme": )" +
                        (spaces == SpaceHandling::MetaspaceFirst ? "\"first\"" : "\"never\"") + R"(, "split": false})";
    }
    const std::string decoder = R"({"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": )" + M +
                                R"(}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, )"
                                R"({"type": "Strip", "content": " ", "start": 1, "stop": 0}]})";
    const std::string post_processor =
        R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, )"
        R"({"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}})";
    return std::string("{\"version\": \"1.0\",\n\"added_tokens\": ") + added_tokens_json(fixture) +
           ",\n\"normalizer\": " + normalizer + ",\n\"pre_tokenizer\": " + pre_tokenizer +
           ",\n\"post_processor\": " + post_processor + ",\n\"decoder\": " + decoder +
           ",\n\"model\": {\"type\": \"BPE\", \"dropout\": null, \"unk_token\": \"<unk>\", "
           "\"continuing_subword_prefix\": null, \"end_of_word_suffix\": null, \"fuse_unk\": true, "
           "\"byte_fallback\": true, \"ignore_merges\": false,\n\"vocab\": " +
           vocab_json(fixture) + ",\n\"merges\": " + merges_json(fixture, MergeForm::Strings) + "}}\n";
}

} // namespace gmat::test
