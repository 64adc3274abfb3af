// A tokenizer folder as a downloaded model ships it, through the converter
// export uses. The input is cut at NUL bytes into tokenizer.json,
// tokenizer_config.json, special_tokens_map.json, added_tokens.json and
// config.json (JSON text holds no raw NUL). The converter must throw
// GmatError or produce a vocabulary llama.cpp can load
// (convert_tokenizer_folder checks it).
#include "fuzz_scratch.hpp"
#include "fuzz_tokenizer_folder.hpp"

#include <array>

namespace {
const std::array<const char *, 5> kFiles{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                         "added_tokens.json", "config.json"};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("tokenizer-json");
    const auto parts = gmat::fuzz::split_at_nul(data, size, kFiles.size());
    for (size_t i = 0; i < parts.size(); ++i) gmat::fuzz::write_file(dir / kFiles[i], parts[i]);
    gmat::fuzz::convert_tokenizer_folder(dir);
    return 0;
}
