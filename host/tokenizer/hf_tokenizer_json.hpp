// The parts of a HuggingFace tokenizers "tokenizer.json" with a BPE model
// that GGUF needs, checked for shape. The pipeline sections (normalizer,
// pre_tokenizer, decoder, post_processor) stay JSON: each is inspected by
// the code that cares about it.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gmat {

struct HfAddedToken {
    uint32_t id;
    std::string content;
    bool special;
};

struct HfBpeMerge {
    std::string left, right;
};

struct HfTokenizerJson {
    std::string file;                                    // for messages
    std::vector<std::pair<std::string, uint32_t>> vocab; // model.vocab, in file order
    std::vector<HfBpeMerge> merges;                      // model.merges, in rank order
    bool byte_fallback = false;
    bool ignore_merges = false;
    std::optional<std::string> unk_token;
    std::vector<HfAddedToken> added_tokens;
    // Null when absent or JSON null; point into the caller's document.
    const rapidjson::Value *normalizer = nullptr;
    const rapidjson::Value *pre_tokenizer = nullptr;
    const rapidjson::Value *decoder = nullptr;
    const rapidjson::Value *post_processor = nullptr;
};

// root must outlive the result. Throws GmatError naming file and field for a
// model that is not BPE and for malformed vocab, merges or added_tokens.
HfTokenizerJson parse_hf_tokenizer_json(const rapidjson::Value &root, const std::string &file);

// Calls visit on a pipeline section and, for {"type": "Sequence"}, on each
// step (the list key differs per section: "normalizers", "pretokenizers",
// "decoders", "processors").
template <class Visit>
void for_each_step(const rapidjson::Value *section, Visit &&visit) {
    if (!section || !section->IsObject()) return;
    auto type = section->FindMember("type");
    const bool sequence =
        type != section->MemberEnd() && type->value.IsString() && std::string(type->value.GetString()) == "Sequence";
    if (!sequence) {
        visit(*section);
        return;
    }
    for (const char *key : {"normalizers", "pretokenizers", "decoders", "processors"}) {
        auto steps = section->FindMember(key);
        if (steps == section->MemberEnd() || !steps->value.IsArray()) continue;
        for (const auto &step : steps->value.GetArray()) for_each_step(&step, visit);
    }
}

// The "type" string of a pipeline step, or "" when missing.
std::string step_type(const rapidjson::Value &step);

} // namespace gmat
