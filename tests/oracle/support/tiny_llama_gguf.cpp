#include "support/tiny_llama_gguf.hpp"

#include "oracle/gguf_builder.hpp"

#include <gguf.h>

#include <cstdio>
#include <random>
#include <stdexcept>

namespace oracle::testing {

namespace {

// tokenizer.ggml.token_type values (llama_token_type in llama.cpp's vocab).
enum TokenType : int32_t { kNormal = 1, kUnknown = 2, kControl = 3, kByte = 6 };

const char *const kSpaceMark = "\xE2\x96\x81"; // U+2581, SentencePiece's word-start marker

struct Vocab {
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;

    void add(std::string token, float score, TokenType type) {
        tokens.push_back(std::move(token));
        scores.push_back(score);
        types.push_back(type);
    }
};

Vocab build_vocab() {
    Vocab v;
    v.add("<unk>", 0.0f, kUnknown);
    v.add("<s>", 0.0f, kControl);
    v.add("</s>", 0.0f, kControl);
    for (int byte = 0; byte < 256; ++byte) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", byte);
        v.add(name, 0.0f, kByte);
    }
    v.add(kSpaceMark, -1.0f, kNormal);
    for (char c = 'a'; c <= 'z'; ++c)
        v.add(std::string(1, c), -1.0f, kNormal);
    // SentencePiece merges adjacent pieces whose concatenation is a token, best
    // score first; every prefix must exist for a whole word to form.
    for (const std::string word : {"hello", "world", "the"})
        for (size_t len = 1; len <= word.size(); ++len)
            v.add(kSpaceMark + word.substr(0, len), static_cast<float>(len), kNormal);
    return v;
}

class WeightSource {
public:
    explicit WeightSource(uint32_t seed) : rng_(seed) {}
    std::vector<float> normal(size_t n, float stddev) {
        std::normal_distribution<float> dist(0.0f, stddev);
        std::vector<float> out(n);
        for (float &x : out)
            x = dist(rng_);
        return out;
    }
    std::vector<float> around_one(size_t n) { // norm weights: 1 +- 0.1
        std::uniform_real_distribution<float> dist(0.9f, 1.1f);
        std::vector<float> out(n);
        for (float &x : out)
            x = dist(rng_);
        return out;
    }

private:
    std::mt19937 rng_;
};

void set_hparams(gguf_context *ctx, const TinyLlamaSpec &s, size_t n_vocab) {
    gguf_set_val_str(ctx, "general.architecture", "llama");
    gguf_set_val_str(ctx, "general.name", "oracle-tiny-llama");
    gguf_set_val_u32(ctx, "general.file_type", 0); // LLAMA_FTYPE_ALL_F32
    gguf_set_val_u32(ctx, "llama.context_length", s.n_ctx_train);
    gguf_set_val_u32(ctx, "llama.embedding_length", static_cast<uint32_t>(s.n_embd));
    gguf_set_val_u32(ctx, "llama.block_count", static_cast<uint32_t>(s.n_layer));
    gguf_set_val_u32(ctx, "llama.feed_forward_length", static_cast<uint32_t>(s.n_ff));
    gguf_set_val_u32(ctx, "llama.attention.head_count", static_cast<uint32_t>(s.n_head));
    gguf_set_val_u32(ctx, "llama.attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
    gguf_set_val_u32(ctx, "llama.rope.dimension_count", static_cast<uint32_t>(s.n_embd / s.n_head));
    gguf_set_val_u32(ctx, "llama.vocab_size", static_cast<uint32_t>(n_vocab));
    gguf_set_val_f32(ctx, "llama.rope.freq_base", s.rope_theta);
    gguf_set_val_f32(ctx, "llama.attention.layer_norm_rms_epsilon", s.rms_eps);
}

void set_tokenizer(gguf_context *ctx, const Vocab &v) {
    std::vector<const char *> tokens;
    for (const auto &t : v.tokens)
        tokens.push_back(t.c_str());
    gguf_set_val_str(ctx, "tokenizer.ggml.model", "llama");
    gguf_set_arr_str(ctx, "tokenizer.ggml.tokens", tokens.data(), tokens.size());
    gguf_set_arr_data(ctx, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, v.scores.data(), v.scores.size());
    gguf_set_arr_data(ctx, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, v.types.data(), v.types.size());
    gguf_set_val_u32(ctx, "tokenizer.ggml.unknown_token_id", 0);
    gguf_set_val_u32(ctx, "tokenizer.ggml.bos_token_id", 1);
    gguf_set_val_u32(ctx, "tokenizer.ggml.eos_token_id", 2);
}

struct TensorData {
    std::string name;
    std::vector<int64_t> ne;
    std::vector<float> values;
};

void add_layer(std::vector<TensorData> &out, WeightSource &w, const TinyLlamaSpec &s, int64_t il) {
    const int64_t head_dim = s.n_embd / s.n_head;
    const int64_t q_dim = head_dim * s.n_head, kv_dim = head_dim * s.n_head_kv;
    const std::string p = "blk." + std::to_string(il) + ".";
    auto matrix = [&](const std::string &name, int64_t n_in, int64_t n_out) {
        out.push_back({p + name, {n_in, n_out}, w.normal(static_cast<size_t>(n_in * n_out), 0.1f)});
    };
    auto norm = [&](const std::string &name) {
        out.push_back({p + name, {s.n_embd}, w.around_one(static_cast<size_t>(s.n_embd))});
    };
    norm("attn_norm.weight");
    matrix("attn_q.weight", s.n_embd, q_dim);
    matrix("attn_k.weight", s.n_embd, kv_dim);
    matrix("attn_v.weight", s.n_embd, kv_dim);
    matrix("attn_output.weight", q_dim, s.n_embd);
    norm("ffn_norm.weight");
    matrix("ffn_gate.weight", s.n_embd, s.n_ff);
    matrix("ffn_up.weight", s.n_embd, s.n_ff);
    matrix("ffn_down.weight", s.n_ff, s.n_embd);
}

std::vector<TensorData> build_tensors(const TinyLlamaSpec &spec, int64_t n_vocab) {
    WeightSource w(spec.seed);
    std::vector<TensorData> out;
    out.push_back({"token_embd.weight", {spec.n_embd, n_vocab}, w.normal(spec.n_embd * n_vocab, 1.0f)});
    for (int64_t il = 0; il < spec.n_layer; ++il)
        add_layer(out, w, spec, il);
    out.push_back({"output_norm.weight", {spec.n_embd}, w.around_one(spec.n_embd)});
    if (!spec.tied_output)
        out.push_back({"output.weight", {spec.n_embd, n_vocab}, w.normal(spec.n_embd * n_vocab, 0.1f)});
    return out;
}

// llama.cpp's split naming (llama_split_path): <prefix>-00001-of-00003.gguf.
std::filesystem::path split_path(const std::filesystem::path &path, int k, int n) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "-%05d-of-%05d.gguf", k + 1, n);
    return path.parent_path() / (path.stem().string() + suffix);
}

} // namespace

std::vector<std::string> tiny_llama_vocab() { return build_vocab().tokens; }

std::filesystem::path write_tiny_llama_gguf(const std::filesystem::path &path, const TinyLlamaSpec &spec) {
    const Vocab vocab = build_vocab();
    const auto tensors = build_tensors(spec, static_cast<int64_t>(vocab.tokens.size()));
    const int n_splits = spec.n_splits;
    if (n_splits < 1 || static_cast<size_t>(n_splits) > tensors.size())
        throw std::invalid_argument("write_tiny_llama_gguf: cannot split " + std::to_string(tensors.size()) +
                                    " tensors into " + std::to_string(n_splits) + " files");
    for (int k = 0; k < n_splits; ++k) {
        oracle::GgufBuilder b;
        if (k == 0) { // like llama-gguf-split: model metadata in the first shard only
            set_hparams(b.ctx(), spec, vocab.tokens.size());
            set_tokenizer(b.ctx(), vocab);
        }
        if (n_splits > 1) {
            gguf_set_val_u16(b.ctx(), "split.no", static_cast<uint16_t>(k));
            gguf_set_val_u16(b.ctx(), "split.count", static_cast<uint16_t>(n_splits));
            gguf_set_val_i32(b.ctx(), "split.tensors.count", static_cast<int32_t>(tensors.size()));
        }
        const size_t begin = tensors.size() * k / n_splits, end = tensors.size() * (k + 1) / n_splits;
        for (size_t i = begin; i < end; ++i)
            b.add_f32_tensor(tensors[i].name, tensors[i].ne, tensors[i].values);
        b.write(n_splits == 1 ? path : split_path(path, k, n_splits));
    }
    return n_splits == 1 ? path : split_path(path, 0, n_splits);
}

} // namespace oracle::testing
