#include "fuzz_tokenizer_folder.hpp"

#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <string>
#include <vector>

namespace gmat::fuzz {

std::optional<Metadata> convert_tokenizer_folder(const std::filesystem::path &dir) {
    TokenizerOptions options;
    options.vocab_size = kTokenizerVocabSize;
    options.warn = [](const std::string &) {};
    options.allow_unknown_pre_tokenizer = true; // keep fuzzing what follows an unknown pre-tokenizer
    Metadata md;
    try {
        append_tokenizer_metadata(dir, options, md);
    } catch (const GmatError &e) {
        note_refusal(e);
        return std::nullopt;
    }
    const auto *tokens = md.get<std::vector<std::string>>("tokenizer.ggml.tokens");
    const auto *types = md.get<std::vector<int32_t>>("tokenizer.ggml.token_type");
    GMAT_FUZZ_CHECK(tokens && types && tokens->size() == kTokenizerVocabSize && types->size() == tokens->size());
    if (const auto *scores = md.get<std::vector<float>>("tokenizer.ggml.scores"))
        GMAT_FUZZ_CHECK(scores->size() == tokens->size());
    return md;
}

} // namespace gmat::fuzz
