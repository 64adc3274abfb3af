// The chat template(s): tokenizer_config.json "chat_template" (a string, or
// a list of {"name", "template"}), else chat_template.jinja (plus
// additional_chat_templates/*.jinja, named by file stem), else
// chat_template.json {"chat_template": ...}. The unnamed or "default"
// template goes to tokenizer.chat_template, others to
// tokenizer.chat_template.<name> with their names listed in
// tokenizer.chat_templates, as gguf-py writes them.
#pragma once

#include "metadata/metadata.hpp"
#include "tokenizer/tokenizer_folder.hpp"

namespace gmat {

void append_chat_templates(const TokenizerFolder &folder, Metadata &out);

} // namespace gmat
