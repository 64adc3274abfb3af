#include "llama_vocab_oracle.hpp"

#include <ggml-backend.h>
#include <gguf.h>
#include <llama.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <type_traits>

namespace gmat::test {

namespace {

void quiet_log(ggml_log_level level, const char *text, void *) {
    if (level == GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

void init_llama_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        llama_log_set(quiet_log, nullptr);
        ggml_backend_load_all_from_path(GMAT_ORACLE_LIB_DIR);
        llama_backend_init();
    });
}

template <class T>
void set_array(gguf_context *ctx, const char *key, gguf_type type, const std::vector<T> &values) {
    gguf_set_arr_data(ctx, key, type, values.data(), values.size());
}

void set_value(gguf_context *ctx, const std::string &key_string, const MetadataValue &value) {
    const char *key = key_string.c_str();
    std::visit(
        [&](const auto &v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, uint8_t>) gguf_set_val_u8(ctx, key, v);
            else if constexpr (std::is_same_v<T, int8_t>) gguf_set_val_i8(ctx, key, v);
            else if constexpr (std::is_same_v<T, uint16_t>) gguf_set_val_u16(ctx, key, v);
            else if constexpr (std::is_same_v<T, int16_t>) gguf_set_val_i16(ctx, key, v);
            else if constexpr (std::is_same_v<T, uint32_t>) gguf_set_val_u32(ctx, key, v);
            else if constexpr (std::is_same_v<T, int32_t>) gguf_set_val_i32(ctx, key, v);
            else if constexpr (std::is_same_v<T, float>) gguf_set_val_f32(ctx, key, v);
            else if constexpr (std::is_same_v<T, bool>) gguf_set_val_bool(ctx, key, v);
            else if constexpr (std::is_same_v<T, std::string>) gguf_set_val_str(ctx, key, v.c_str());
            else if constexpr (std::is_same_v<T, uint64_t>) gguf_set_val_u64(ctx, key, v);
            else if constexpr (std::is_same_v<T, int64_t>) gguf_set_val_i64(ctx, key, v);
            else if constexpr (std::is_same_v<T, double>) gguf_set_val_f64(ctx, key, v);
            else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::vector<const char *> pointers;
                for (const auto &s : v) pointers.push_back(s.c_str());
                gguf_set_arr_str(ctx, key, pointers.data(), pointers.size());
            } else if constexpr (std::is_same_v<T, std::vector<int32_t>>) set_array(ctx, key, GGUF_TYPE_INT32, v);
            else if constexpr (std::is_same_v<T, std::vector<float>>) set_array(ctx, key, GGUF_TYPE_FLOAT32, v);
            else if constexpr (std::is_same_v<T, std::vector<uint32_t>>) set_array(ctx, key, GGUF_TYPE_UINT32, v);
            else if constexpr (std::is_same_v<T, std::vector<int64_t>>) set_array(ctx, key, GGUF_TYPE_INT64, v);
            else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) set_array(ctx, key, GGUF_TYPE_UINT8, v);
            else if constexpr (std::is_same_v<T, std::vector<int8_t>>) set_array(ctx, key, GGUF_TYPE_INT8, v);
            else if constexpr (std::is_same_v<T, std::vector<uint16_t>>) set_array(ctx, key, GGUF_TYPE_UINT16, v);
            else if constexpr (std::is_same_v<T, std::vector<int16_t>>) set_array(ctx, key, GGUF_TYPE_INT16, v);
            else if constexpr (std::is_same_v<T, std::vector<uint64_t>>) set_array(ctx, key, GGUF_TYPE_UINT64, v);
            else if constexpr (std::is_same_v<T, std::vector<double>>) set_array(ctx, key, GGUF_TYPE_FLOAT64, v);
            else static_assert(!sizeof(T), "unhandled MetadataValue alternative");
        },
        value);
}

} // namespace

void write_vocab_only_gguf(const Metadata &metadata, const std::filesystem::path &file) {
    gguf_context *ctx = gguf_init_empty();
    gguf_set_val_str(ctx, "general.architecture", "llama");
    gguf_set_val_u32(ctx, "llama.context_length", 128);
    gguf_set_val_u32(ctx, "llama.embedding_length", 64);
    gguf_set_val_u32(ctx, "llama.block_count", 1);
    gguf_set_val_u32(ctx, "llama.feed_forward_length", 128);
    gguf_set_val_u32(ctx, "llama.attention.head_count", 4);
    gguf_set_val_f32(ctx, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
    for (const auto &[key, value] : metadata.entries()) set_value(ctx, key, value);
    const bool ok = gguf_write_to_file(ctx, file.c_str(), /*only_meta=*/false);
    gguf_free(ctx);
    if (!ok) throw std::runtime_error("gguf_write_to_file failed for " + file.string());
}

LlamaVocabOracle::LlamaVocabOracle(const std::filesystem::path &gguf_file) {
    init_llama_once();
    llama_model_params params = llama_model_default_params();
    params.vocab_only = true;
    model_ = llama_model_load_from_file(gguf_file.c_str(), params);
    if (!model_) throw std::runtime_error("llama.cpp could not load " + gguf_file.string());
    vocab_ = llama_model_get_vocab(model_);
}

LlamaVocabOracle::~LlamaVocabOracle() { llama_model_free(model_); }

std::vector<int32_t> LlamaVocabOracle::tokenize(const std::string &text, bool add_special, bool parse_special) const {
    std::vector<llama_token> tokens(text.size() + 8);
    int32_t n = llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                               static_cast<int32_t>(tokens.size()), add_special, parse_special);
    if (n < 0) {
        tokens.resize(static_cast<size_t>(-n));
        n = llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                           static_cast<int32_t>(tokens.size()), add_special, parse_special);
    }
    tokens.resize(static_cast<size_t>(n));
    return {tokens.begin(), tokens.end()};
}

std::string LlamaVocabOracle::detokenize(const std::vector<int32_t> &tokens, bool remove_special,
                                         bool unparse_special) const {
    std::string text(tokens.size() * 16 + 16, '\0');
    int32_t n = llama_detokenize(vocab_, tokens.data(), static_cast<int32_t>(tokens.size()), text.data(),
                                 static_cast<int32_t>(text.size()), remove_special, unparse_special);
    if (n < 0) {
        text.resize(static_cast<size_t>(-n));
        n = llama_detokenize(vocab_, tokens.data(), static_cast<int32_t>(tokens.size()), text.data(),
                             static_cast<int32_t>(text.size()), remove_special, unparse_special);
    }
    text.resize(static_cast<size_t>(n));
    return text;
}

int32_t LlamaVocabOracle::n_tokens() const { return llama_vocab_n_tokens(vocab_); }
int32_t LlamaVocabOracle::bos() const { return llama_vocab_bos(vocab_); }
int32_t LlamaVocabOracle::eos() const { return llama_vocab_eos(vocab_); }
bool LlamaVocabOracle::add_bos() const { return llama_vocab_get_add_bos(vocab_); }
bool LlamaVocabOracle::add_eos() const { return llama_vocab_get_add_eos(vocab_); }
std::string LlamaVocabOracle::text(int32_t token) const { return llama_vocab_get_text(vocab_, token); }
float LlamaVocabOracle::score(int32_t token) const { return llama_vocab_get_score(vocab_, token); }
int LlamaVocabOracle::attr(int32_t token) const { return static_cast<int>(llama_vocab_get_attr(vocab_, token)); }

std::unique_ptr<LlamaVocabOracle> load_oracle(const Metadata &metadata, const std::filesystem::path &folder) {
    const auto file = folder / "vocab-only.gguf";
    write_vocab_only_gguf(metadata, file);
    return std::make_unique<LlamaVocabOracle>(file);
}

} // namespace gmat::test
