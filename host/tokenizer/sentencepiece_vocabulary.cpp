#include "tokenizer/sentencepiece_vocabulary.hpp"

namespace gmat {

Vocabulary sentencepiece_vocabulary(const SentencePieceModel &model, const std::string &source,
                                    const std::function<void(const std::string &)> &warn) {
    Vocabulary vocab;
    vocab.model = "llama";
    vocab.pre = "default";
    vocab.source = source;
    vocab.tokens.reserve(model.pieces.size());
    vocab.types.reserve(model.pieces.size());
    vocab.scores.reserve(model.pieces.size());
    for (const SentencePiece &piece : model.pieces) {
        vocab.tokens.push_back(piece.text);
        vocab.types.push_back(static_cast<TokenType>(piece.type));
        vocab.scores.push_back(piece.score);
    }
    vocab.add_space_prefix = model.add_dummy_prefix;

    const std::pair<const char *, int32_t> ids[] = {
        {"unk", model.unk_id}, {"bos", model.bos_id}, {"eos", model.eos_id}, {"pad", model.pad_id}};
    for (const auto &[role, id] : ids)
        if (id >= 0) vocab.source_special_ids[role] = static_cast<uint32_t>(id);

    // llama.cpp's "llama" tokenizer merges the best-scoring adjacent pair, which
    // is SentencePiece's BPE algorithm; a unigram model is only approximated.
    if (model.algorithm != SentencePieceAlgorithm::Bpe)
        warn(source + ": SentencePiece model_type is " +
             (model.algorithm == SentencePieceAlgorithm::Unigram ? std::string("UNIGRAM") : "not BPE") +
             "; llama.cpp tokenizes it with score-ordered pair merges (BPE), which can segment some text "
             "differently than SentencePiece does");
    return vocab;
}

} // namespace gmat
