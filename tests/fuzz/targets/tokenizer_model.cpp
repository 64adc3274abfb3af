// A SentencePiece tokenizer.model (protobuf) through the converter export
// uses (host/tokenizer: append_tokenizer_metadata over a folder holding only
// that file). It must throw GmatError or produce a vocabulary llama.cpp can
// load: tokens, scores and types of one length, padded to vocab_size.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

namespace {
constexpr uint32_t kVocabSize = 1024; // config.json's vocab_size, as the export passes it
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("tokenizer-model");
    gmat::fuzz::write_file(dir / "tokenizer.model", {data, size});
    gmat::TokenizerOptions options;
    options.vocab_size = kVocabSize;
    options.warn = [](const std::string &) {};
    gmat::Metadata md;
    try {
        gmat::append_tokenizer_metadata(dir, options, md);
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return 0;
    }
    const auto *tokens = md.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    const auto *types = md.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    const auto *scores = md.get<std::vector<float>>("tokenizer.ggml.scores");
    GMAT_FUZZ_CHECK(tokens && types && scores);
    GMAT_FUZZ_CHECK(tokens->size() == kVocabSize && types->size() == kVocabSize && scores->size() == kVocabSize);
    return 0;
}
