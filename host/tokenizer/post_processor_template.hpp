// What a tokenizer.json post_processor says about the special tokens wrapped
// around a single sequence, which is how HF decides add_bos / add_eos when
// tokenizer_config.json does not. Like gguf-py's SpecialVocab this reads only
// simple templates: a leading and a trailing SpecialToken around one sequence.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace gmat {

struct PostProcessorTemplate {
    std::optional<std::string> leading;  // TemplateProcessing single[0] when a SpecialToken (and single has > 1 item)
    std::optional<std::string> trailing; // single[last] likewise
    bool roberta = false;                // RobertaProcessing: <cls> A <sep>, adds bos, eos and sep
};

PostProcessorTemplate read_post_processor_template(const rapidjson::Value *post_processor);

} // namespace gmat
