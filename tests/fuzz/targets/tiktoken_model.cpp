// A Kimi-style tiktoken tokenizer folder through the converter export uses.
// The input is cut at NUL bytes into tiktoken.model, tokenizer_config.json
// and config.json (base64 lines and JSON text hold no raw NUL). The converter
// must throw GmatError or produce a vocabulary llama.cpp can load
// (convert_tokenizer_folder checks it): a gpt2 vocabulary without scores whose
// every merge is two token texts joined by one space.
#include "fuzz_scratch.hpp"
#include "fuzz_tokenizer_folder.hpp"

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

namespace {
const std::array<const char *, 3> kFiles{"tiktoken.model", "tokenizer_config.json", "config.json"};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("tiktoken-model");
    const auto parts = gmat::fuzz::split_at_nul(data, size, kFiles.size());
    for (size_t i = 0; i < parts.size(); ++i) gmat::fuzz::write_file(dir / kFiles[i], parts[i]);
    const auto md = gmat::fuzz::convert_tokenizer_folder(dir);
    if (!md) return 0;
    GMAT_FUZZ_CHECK(md->get<std::vector<float>>("tokenizer.ggml.scores") == nullptr);
    const auto *tokens = md->get<std::vector<std::string>>("tokenizer.ggml.tokens");
    if (const auto *merges = md->get<std::vector<std::string>>("tokenizer.ggml.merges")) {
        const std::unordered_set<std::string> texts(tokens->begin(), tokens->end());
        for (const std::string &merge : *merges) {
            const size_t space = merge.find(' ');
            GMAT_FUZZ_CHECK(space != std::string::npos && merge.find(' ', space + 1) == std::string::npos);
            GMAT_FUZZ_CHECK(texts.contains(merge.substr(0, space)) && texts.contains(merge.substr(space + 1)));
            GMAT_FUZZ_CHECK(texts.contains(merge.substr(0, space) + merge.substr(space + 1)));
        }
    }
    return 0;
}
