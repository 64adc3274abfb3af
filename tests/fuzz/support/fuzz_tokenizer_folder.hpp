// The tokenizer converter as export runs it (host/tokenizer:
// append_tokenizer_metadata), for the targets that write a tokenizer folder.
#pragma once

#include "metadata/metadata.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace gmat::fuzz {

// config.json's vocab_size for a small model, as the export passes it: it
// bounds how far added tokens can grow the vocabulary.
constexpr uint32_t kTokenizerVocabSize = 1024;

// The tokenizer.* metadata of the folder with vocab_size kTokenizerVocabSize
// and warnings dropped, or nullopt when the converter refused it (GmatError,
// passed to note_refusal). Checks that every accepted vocabulary is what
// llama.cpp can load: tokens and types (and scores, when present) of
// kTokenizerVocabSize entries each.
std::optional<Metadata> convert_tokenizer_folder(const std::filesystem::path &dir);

} // namespace gmat::fuzz
