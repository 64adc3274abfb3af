// A tokenizer folder as a downloaded model ships it, through the converter
// export uses (host/tokenizer: append_tokenizer_metadata). The input is cut at
// NUL bytes into tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, added_tokens.json and config.json (JSON text holds
// no raw NUL). The converter must throw GmatError or produce a vocabulary
// llama.cpp can load: parallel arrays of one length within vocab_size.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <array>

namespace {

// config.json's vocab_size for a small model: the export passes it, which
// bounds how far added tokens can grow the vocabulary.
constexpr uint32_t kVocabSize = 1024;

const std::array<const char *, 5> kFiles{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                         "added_tokens.json", "config.json"};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("tokenizer-json");
    const auto parts = gmat::fuzz::split_at_nul(data, size, kFiles.size());
    for (size_t i = 0; i < parts.size(); ++i) gmat::fuzz::write_file(dir / kFiles[i], parts[i]);
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
    GMAT_FUZZ_CHECK(tokens && types && tokens->size() == types->size() && tokens->size() == kVocabSize);
    if (const auto *scores = md.get<std::vector<float>>("tokenizer.ggml.scores"))
        GMAT_FUZZ_CHECK(scores->size() == tokens->size());
    return 0;
}
