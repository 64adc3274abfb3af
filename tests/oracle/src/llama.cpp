#include "oracle/llama.hpp"

#include "llama_runtime.hpp"

#include <llama.h>

#include <climits>
#include <stdexcept>

namespace oracle {

namespace {

// llama_batch_init's batch, freed on scope exit.
class TokenBatch {
public:
    explicit TokenBatch(const std::vector<int32_t> &tokens)
        : batch_(llama_batch_init(static_cast<int32_t>(tokens.size()), 0, 1)) {
        batch_.n_tokens = static_cast<int32_t>(tokens.size());
        for (int32_t i = 0; i < batch_.n_tokens; ++i) {
            batch_.token[i] = tokens[i];
            batch_.pos[i] = i;
            batch_.n_seq_id[i] = 1;
            batch_.seq_id[i][0] = 0;
            batch_.logits[i] = 1; // every position outputs, not just the last
        }
    }
    ~TokenBatch() { llama_batch_free(batch_); }
    TokenBatch(const TokenBatch &) = delete;
    TokenBatch &operator=(const TokenBatch &) = delete;
    const llama_batch &get() const { return batch_; }

private:
    llama_batch batch_;
};

llama_context_params context_params(const LlamaOptions &options) {
    llama_context_params params = llama_context_default_params();
    params.n_ctx = options.n_ctx;
    params.n_batch = options.n_ctx; // the whole sequence is one batch and one ubatch
    params.n_ubatch = options.n_ctx;
    params.n_seq_max = 1;
    params.n_threads = options.n_threads;
    params.n_threads_batch = options.n_threads;
    params.type_k = GGML_TYPE_F32; // no K/V rounding to F16 between reference and oracle
    params.type_v = GGML_TYPE_F32;
    params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    params.no_perf = true;
    params.cb_eval = options.eval_callback;
    params.cb_eval_user_data = options.eval_callback_data;
    return params;
}

} // namespace

void Llama::ModelDeleter::operator()(llama_model *model) const { llama_model_free(model); }
void Llama::ContextDeleter::operator()(llama_context *ctx) const { llama_free(ctx); }

Llama::Llama(const std::filesystem::path &path, LlamaOptions options) : path_(path), options_(options) {
    detail::init_llama_runtime();
    if (!std::filesystem::is_regular_file(path_))
        throw std::runtime_error(path_.string() + ": no such model file");
    detail::take_logged_errors(); // forget errors of earlier, unrelated calls

    llama_model_params model_params = llama_model_default_params();
    model_params.n_gpu_layers = 0;
    model_params.vocab_only = options.vocab_only;
    model_params.check_tensors = options.check_tensors;
    model_.reset(llama_model_load_from_file(path_.c_str(), model_params));
    if (!model_)
        throw std::runtime_error(path_.string() + ": llama.cpp could not load the model" +
                                 detail::logged_errors_suffix());
    if (options.vocab_only)
        return;
    context_.reset(llama_init_from_model(model_.get(), context_params(options)));
    if (!context_)
        throw std::runtime_error(path_.string() + ": llama.cpp could not create a context" +
                                 detail::logged_errors_suffix());
}

Llama::~Llama() = default;
Llama::Llama(Llama &&) noexcept = default;
Llama &Llama::operator=(Llama &&) noexcept = default;

const llama_vocab *Llama::vocab() const { return llama_model_get_vocab(model_.get()); }

int32_t Llama::n_vocab() const { return llama_vocab_n_tokens(vocab()); }

void Llama::check_tokens(const std::vector<int32_t> &tokens) const {
    if (tokens.empty())
        throw std::invalid_argument(path_.string() + ": logits() needs at least one token");
    if (tokens.size() > options_.n_ctx)
        throw std::invalid_argument(path_.string() + ": " + std::to_string(tokens.size()) +
                                    " tokens exceed the context of " + std::to_string(options_.n_ctx));
    for (size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] < 0 || tokens[i] >= n_vocab())
            throw std::invalid_argument(path_.string() + ": token " + std::to_string(tokens[i]) + " at position " +
                                        std::to_string(i) + " is outside the vocabulary of " +
                                        std::to_string(n_vocab()));
}

std::vector<float> Llama::logits(const std::vector<int32_t> &tokens) {
    if (!context_)
        throw std::logic_error(path_.string() + ": logits() on a model loaded vocab_only");
    check_tokens(tokens);
    llama_memory_clear(llama_get_memory(context_.get()), true);
    TokenBatch batch(tokens);
    const int32_t status = llama_decode(context_.get(), batch.get());
    if (status != 0)
        throw std::runtime_error(path_.string() + ": llama_decode returned " + std::to_string(status) +
                                 detail::logged_errors_suffix());
    const size_t width = static_cast<size_t>(n_vocab());
    std::vector<float> out(tokens.size() * width);
    for (size_t i = 0; i < tokens.size(); ++i) {
        const float *row = llama_get_logits_ith(context_.get(), static_cast<int32_t>(i));
        if (row == nullptr)
            throw std::runtime_error(path_.string() + ": no logits for position " + std::to_string(i));
        std::copy(row, row + width, out.begin() + static_cast<std::ptrdiff_t>(i * width));
    }
    return out;
}

void Llama::require_tokenizer(const char *operation) const {
    // llama.cpp asserts (aborts) instead of failing on a vocabulary-less model.
    if (llama_vocab_type(vocab()) == LLAMA_VOCAB_TYPE_NONE)
        throw std::logic_error(path_.string() + ": " + operation + " needs a tokenizer, the model has none");
}

std::vector<int32_t> Llama::tokenize(const std::string &text, bool add_special, bool parse_special) const {
    require_tokenizer("tokenize");
    if (text.size() > INT32_MAX)
        throw std::invalid_argument(path_.string() + ": text too long to tokenize");
    const auto text_len = static_cast<int32_t>(text.size());
    std::vector<int32_t> tokens(text.size() + 8);
    int32_t n = llama_tokenize(vocab(), text.data(), text_len, tokens.data(), static_cast<int32_t>(tokens.size()),
                               add_special, parse_special);
    if (n < 0 && n != INT32_MIN) { // buffer too small: -n is the size needed
        tokens.resize(static_cast<size_t>(-n));
        n = llama_tokenize(vocab(), text.data(), text_len, tokens.data(), static_cast<int32_t>(tokens.size()),
                           add_special, parse_special);
    }
    if (n < 0)
        throw std::runtime_error(path_.string() + ": llama_tokenize failed on a " + std::to_string(text.size()) +
                                 "-byte text");
    tokens.resize(static_cast<size_t>(n));
    return tokens;
}

std::string Llama::detokenize(const std::vector<int32_t> &tokens, bool remove_special, bool unparse_special) const {
    require_tokenizer("detokenize");
    const auto n_tokens = static_cast<int32_t>(tokens.size());
    std::string text(tokens.size() * 8 + 16, '\0');
    int32_t n = llama_detokenize(vocab(), tokens.data(), n_tokens, text.data(), static_cast<int32_t>(text.size()),
                                 remove_special, unparse_special);
    if (n < 0 && n != INT32_MIN) {
        text.resize(static_cast<size_t>(-n));
        n = llama_detokenize(vocab(), tokens.data(), n_tokens, text.data(), static_cast<int32_t>(text.size()),
                             remove_special, unparse_special);
    }
    if (n < 0)
        throw std::runtime_error(path_.string() + ": llama_detokenize failed on " + std::to_string(tokens.size()) +
                                 " tokens");
    text.resize(static_cast<size_t>(n));
    return text;
}

std::string Llama::token_text(int32_t token) const {
    require_tokenizer("token_text");
    if (token < 0 || token >= n_vocab())
        throw std::invalid_argument(path_.string() + ": token " + std::to_string(token) + " is outside the vocabulary");
    const char *text = llama_vocab_get_text(vocab(), token);
    return text ? text : "";
}

std::optional<std::string> Llama::meta(const std::string &key) const {
    std::string value(256, '\0');
    int32_t n = llama_model_meta_val_str(model_.get(), key.c_str(), value.data(), value.size());
    if (n < 0)
        return std::nullopt;
    if (static_cast<size_t>(n) >= value.size()) { // truncated: n is the full length
        value.resize(static_cast<size_t>(n) + 1);
        n = llama_model_meta_val_str(model_.get(), key.c_str(), value.data(), value.size());
    }
    value.resize(static_cast<size_t>(n));
    return value;
}

} // namespace oracle
