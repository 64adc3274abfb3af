#include "tokenizer/post_processor_template.hpp"

#include "tokenizer/hf_tokenizer_json.hpp"
#include "tokenizer/tokenizer_folder.hpp"

namespace gmat {

namespace {

// The id of {"SpecialToken": {"id": "<s>", ...}}, if item is one.
std::optional<std::string> special_token_id(const rapidjson::Value &item) {
    const auto *special = find_member(item, "SpecialToken");
    const auto *id = special ? find_member(*special, "id") : nullptr;
    if (!id || !id->IsString()) return std::nullopt;
    return std::string(id->GetString(), id->GetStringLength());
}

} // namespace

PostProcessorTemplate read_post_processor_template(const rapidjson::Value *post_processor) {
    PostProcessorTemplate out;
    for_each_step(post_processor, [&](const rapidjson::Value &step) {
        const std::string type = step_type(step);
        if (type == "RobertaProcessing") {
            out.roberta = true;
            return;
        }
        if (type != "TemplateProcessing") return;
        const auto *single = find_member(step, "single");
        if (!single || !single->IsArray() || single->Size() < 2) return;
        out.leading = special_token_id((*single)[0]);
        out.trailing = special_token_id((*single)[single->Size() - 1]);
    });
    return out;
}

} // namespace gmat
