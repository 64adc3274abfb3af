// llama.cpp as the judge of tokenizer metadata: writes the keys plus
// general.architecture = "llama" and minimal llama hparams into a tensor-less
// GGUF with ggml's own gguf API, loads it with vocab_only = true and exposes
// llama.cpp's tokenizer.
#pragma once

#include "metadata/metadata.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct llama_model;
struct llama_vocab;

namespace gmat::test {

// Writes metadata (plus the llama architecture keys) to file; throws on failure.
void write_vocab_only_gguf(const Metadata &metadata, const std::filesystem::path &file);

class LlamaVocabOracle {
public:
    // Throws when llama.cpp refuses the file.
    explicit LlamaVocabOracle(const std::filesystem::path &gguf_file);
    ~LlamaVocabOracle();
    LlamaVocabOracle(const LlamaVocabOracle &) = delete;
    LlamaVocabOracle &operator=(const LlamaVocabOracle &) = delete;

    std::vector<int32_t> tokenize(const std::string &text, bool add_special, bool parse_special = false) const;
    std::string detokenize(const std::vector<int32_t> &tokens, bool remove_special = false,
                           bool unparse_special = false) const;
    int32_t n_tokens() const;
    int32_t bos() const;
    int32_t eos() const;
    bool add_bos() const;
    bool add_eos() const;
    std::string text(int32_t token) const;
    float score(int32_t token) const;
    int attr(int32_t token) const; // llama_token_attr bits

private:
    llama_model *model_ = nullptr;
    const llama_vocab *vocab_ = nullptr;
};

// Converts metadata to GGUF, loads it and returns the oracle; the file lives
// in folder (a scratch directory).
std::unique_ptr<LlamaVocabOracle> load_oracle(const Metadata &metadata, const std::filesystem::path &folder);

} // namespace gmat::test
