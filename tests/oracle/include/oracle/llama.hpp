// A model loaded by the prebuilt llama.cpp, run on its CPU backend: the end of
// the line for an exported GGUF. Deliberately plain settings (F32 KV cache, no
// flash attention, one batch, every position output) so its logits are as close
// to exact as llama.cpp gets and differences point at the file, not the runtime.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct llama_model;
struct llama_context;
struct llama_vocab;
struct ggml_tensor;

namespace oracle {

struct LlamaOptions {
    bool vocab_only = false; // tokenizer and metadata only; logits() throws
    uint32_t n_ctx = 256;    // longest token sequence logits() accepts
    int n_threads = 2;
    bool check_tensors = true; // llama.cpp validates tensor data (NaN/Inf scales) while loading
    // ggml's scheduler callback (llama_context_params.cb_eval): asked (ask = true)
    // whether to observe each graph node, then called (ask = false) once the
    // node is computed, e.g. to read a matrix product's input activations.
    bool (*eval_callback)(ggml_tensor *node, bool ask, void *user_data) = nullptr;
    void *eval_callback_data = nullptr;
};

class Llama {
public:
    // For a split set pass the first shard (<name>-00001-of-0000N.gguf).
    // Throws std::runtime_error with the path and llama.cpp's error text.
    explicit Llama(const std::filesystem::path &path, LlamaOptions options = {});
    ~Llama();
    Llama(Llama &&) noexcept;
    Llama &operator=(Llama &&) noexcept;

    // n_tokens x n_vocab logits, row i predicting the token after tokens[i].
    // Each call starts from an empty KV cache, so calls are independent.
    std::vector<float> logits(const std::vector<int32_t> &tokens);

    std::vector<int32_t> tokenize(const std::string &text, bool add_special = true, bool parse_special = false) const;
    std::string detokenize(const std::vector<int32_t> &tokens, bool remove_special = false,
                           bool unparse_special = false) const;
    int32_t n_vocab() const;
    std::string token_text(int32_t token) const;
    // A scalar metadata value rendered as text by llama.cpp, or nullopt.
    std::optional<std::string> meta(const std::string &key) const;

    const std::filesystem::path &path() const { return path_; }
    llama_model *raw_model() const { return model_.get(); }

private:
    struct ModelDeleter {
        void operator()(llama_model *model) const;
    };
    struct ContextDeleter {
        void operator()(llama_context *ctx) const;
    };
    const llama_vocab *vocab() const;
    void require_tokenizer(const char *operation) const;
    void check_tokens(const std::vector<int32_t> &tokens) const;

    std::filesystem::path path_;
    LlamaOptions options_;
    std::unique_ptr<llama_model, ModelDeleter> model_;
    std::unique_ptr<llama_context, ContextDeleter> context_;
};

} // namespace oracle
