#include "tiny_model_gguf.hpp"

#include <ggml.h>
#include <gguf.h>

#include <memory>
#include <stdexcept>

namespace quant_mix_test {
namespace {

struct GgmlContextFree {
    void operator()(ggml_context *ctx) const { ggml_free(ctx); }
};
struct GgufContextFree {
    void operator()(gguf_context *ctx) const { gguf_free(ctx); }
};

void set_hparams(gguf_context *gguf, const gmat::MixModel &m) {
    const std::string a = m.architecture;
    gguf_set_val_str(gguf, "general.architecture", a.c_str());
    gguf_set_val_str(gguf, "general.name", "gmat quant_mix test model");
    gguf_set_val_u32(gguf, (a + ".block_count").c_str(), m.n_layer);
    gguf_set_val_u32(gguf, (a + ".context_length").c_str(), 64);
    gguf_set_val_u32(gguf, (a + ".embedding_length").c_str(), m.n_embd);
    gguf_set_val_u32(gguf, (a + ".feed_forward_length").c_str(), 256);
    gguf_set_val_u32(gguf, (a + ".attention.head_count").c_str(), m.n_head);
    gguf_set_val_u32(gguf, (a + ".attention.head_count_kv").c_str(), m.n_head_kv);
    gguf_set_val_f32(gguf, (a + ".attention.layer_norm_rms_epsilon").c_str(), 1e-5f);
    gguf_set_val_f32(gguf, (a + ".attention.layer_norm_epsilon").c_str(), 1e-5f);
    if (m.n_expert > 0) {
        gguf_set_val_u32(gguf, (a + ".expert_count").c_str(), m.n_expert);
        gguf_set_val_u32(gguf, (a + ".expert_used_count").c_str(), 2);
    }
    gguf_set_val_str(gguf, "tokenizer.ggml.model", "no_vocab");
}

size_t context_bytes(const TinyModel &model) {
    size_t bytes = 0;
    for (const TinyTensor &t : model.tensors) {
        size_t n = 1;
        for (uint64_t d : t.ne)
            n *= d;
        bytes += n * 4 + ggml_tensor_overhead() + 64;
    }
    return bytes + 1024;
}

// Deterministic small values, different per tensor; norms are ones like a fresh checkpoint.
void fill(ggml_tensor *tensor, uint32_t seed) {
    const int64_t n = ggml_nelements(tensor);
    if (tensor->type == GGML_TYPE_F32) {
        auto *out = static_cast<float *>(tensor->data);
        for (int64_t i = 0; i < n; ++i)
            out[i] = 1.0f;
        return;
    }
    std::vector<float> values(static_cast<size_t>(n));
    uint32_t state = seed * 2654435761u + 1;
    for (float &v : values) {
        state = state * 1664525u + 1013904223u;
        v = (static_cast<float>(state >> 8) / 16777216.0f - 0.5f) * 0.1f;
    }
    ggml_fp32_to_fp16_row(values.data(), static_cast<ggml_fp16_t *>(tensor->data), n);
}

ggml_tensor *new_tensor(ggml_context *ctx, const TinyTensor &t) {
    const ggml_type type = t.type == "f32" ? GGML_TYPE_F32 : GGML_TYPE_F16;
    std::vector<int64_t> ne(t.ne.begin(), t.ne.end());
    ggml_tensor *tensor = ggml_new_tensor(ctx, type, static_cast<int>(ne.size()), ne.data());
    ggml_set_name(tensor, t.name.c_str());
    return tensor;
}

} // namespace

void write_tiny_model_gguf(const TinyModel &model, const std::filesystem::path &path) {
    std::unique_ptr<ggml_context, GgmlContextFree> ctx(ggml_init({context_bytes(model), nullptr, false}));
    std::unique_ptr<gguf_context, GgufContextFree> gguf(gguf_init_empty());
    set_hparams(gguf.get(), model.model);
    uint32_t seed = 1;
    for (const TinyTensor &t : model.tensors) {
        ggml_tensor *tensor = new_tensor(ctx.get(), t);
        fill(tensor, seed++);
        gguf_add_tensor(gguf.get(), tensor);
    }
    if (!gguf_write_to_file(gguf.get(), path.c_str(), false))
        throw std::runtime_error("ggml could not write test model " + path.string());
}

} // namespace quant_mix_test
