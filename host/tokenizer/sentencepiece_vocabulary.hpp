// A SentencePiece tokenizer.model as a GGUF "llama" vocabulary.
#pragma once

#include "tokenizer/sentencepiece_model.hpp"
#include "tokenizer/vocabulary.hpp"

#include <functional>
#include <string>

namespace gmat {

// Pieces keep their score and type (SentencePiece's types are GGUF's);
// trainer_spec's unk/bos/eos/pad ids become source_special_ids and
// normalizer_spec.add_dummy_prefix becomes add_space_prefix, which llama.cpp's
// SentencePiece tokenizer reads. source names the file in messages.
Vocabulary sentencepiece_vocabulary(const SentencePieceModel &model, const std::string &source,
                                    const std::function<void(const std::string &)> &warn);

} // namespace gmat
