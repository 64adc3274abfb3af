// tokenizer.json fixtures: a GPT-2 style byte-level BPE (optionally with the
// Llama-3 pre-tokenizer) and a Llama-2 style byte-fallback BPE, small enough
// that the expected segmentation of the test strings is worked out by hand.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gmat::test {

// A JSON string literal with the needed escapes.
std::string json_quote(const std::string &text);

struct BpeFixture {
    std::vector<std::string> vocab; // by id
    std::vector<std::pair<std::string, std::string>> merges;
    struct Added {
        int id;
        std::string content;
        bool special;
    };
    std::vector<Added> added;

    int id(const std::string &token) const; // throws when absent
    std::vector<int> ids(const std::vector<std::string> &tokens) const;
};

// GPT-2's bytes_to_unicode: the printable character standing for each byte.
std::string byte_level_char(unsigned char byte);

enum class MergeForm { Strings, Pairs };

struct ByteLevelOptions {
    bool llama3 = false; // Split(Llama-3 regex) + ByteLevel(use_regex false), ignore_merges, <|begin_of_text|> template
    MergeForm merge_form = MergeForm::Strings;
};

// Ids 0..255 are the byte characters, then He ll lo Hell Hello Ġw or Ġwor ld
// Ġworld Ġthere (no merge builds Ġthere), then the added tokens
// <|endoftext|> (special), <custom> (not special) and, for llama3,
// <|begin_of_text|> (special). Merges, by rank:
//   H e, l l, l o, He ll, Hell o, Ġ w, o r, Ġw or, l d, Ġwor ld
BpeFixture byte_level_fixture(const ByteLevelOptions &options);
std::string byte_level_tokenizer_json(const BpeFixture &fixture, const ByteLevelOptions &options);

enum class SpaceHandling { PrependReplaceNormalizer, MetaspaceFirst, MetaspaceNever };

// <unk> <s> </s>, <0x00>..<0xFF> (ids 3..258), then the pieces of the
// SentencePiece fixture with these merges, by rank:
//   l l, ▁ w, o r, ▁w or, ▁ H, e ll, ll o, ell o, ▁H ello, l d, ▁wor ld, l o, o l
// ("lo" and "ol" compete in "lol": rank decides), added tokens <unk> <s> </s> (special) and <|im_end|> (special, new
// id).
BpeFixture byte_fallback_fixture();
std::string byte_fallback_tokenizer_json(const BpeFixture &fixture, SpaceHandling spaces);

} // namespace gmat::test
