// The parts of a SentencePiece tokenizer.model (sentencepiece_model.proto's
// ModelProto) that GGUF needs: the pieces, the special ids of TrainerSpec and
// the NormalizerSpec flags llama.cpp reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace gmat {

// ModelProto.SentencePiece.Type; the values equal GGUF's token types.
enum class SentencePieceType : int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

// TrainerSpec.ModelType.
enum class SentencePieceAlgorithm : int32_t { Unigram = 1, Bpe = 2, Word = 3, Char = 4 };

struct SentencePiece {
    std::string text;
    float score = 0.0f;
    SentencePieceType type = SentencePieceType::Normal;
};

struct SentencePieceModel {
    std::vector<SentencePiece> pieces;
    // TrainerSpec, with the proto's defaults; -1 = none.
    SentencePieceAlgorithm algorithm = SentencePieceAlgorithm::Unigram;
    bool byte_fallback = false;
    int32_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
    // NormalizerSpec, with the proto's defaults.
    bool add_dummy_prefix = true;
    bool remove_extra_whitespaces = true;
};

// file names the source in errors.
SentencePieceModel parse_sentencepiece_model(std::span<const uint8_t> bytes, const std::string &file);
SentencePieceModel read_sentencepiece_model(const std::filesystem::path &file);

} // namespace gmat
