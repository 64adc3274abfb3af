#include "support/llama_gguf_from_hf.hpp"

#include "support/hf_checkpoint.hpp"

#include "oracle/gguf_builder.hpp"

#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace reference::testing {

namespace {

// HF rotates dimension j of a head with j + d/2; ggml's normal RoPE rotates
// 2i with 2i + 1. Moving HF row j (of each head) to 2j, and j + d/2 to 2j + 1,
// makes ggml rotate exactly the pairs HF rotates.
std::vector<float> regroup_rows_for_ggml_rope(const HfTensor &w, int64_t n_heads) {
    const int64_t rows = w.shape[0], cols = w.shape[1], head_dim = rows / n_heads, half = head_dim / 2;
    std::vector<float> out(w.values.size());
    for (int64_t h = 0; h < n_heads; ++h)
        for (int64_t j = 0; j < head_dim; ++j) {
            const int64_t to = h * head_dim + (j < half ? 2 * j : 2 * (j - half) + 1);
            std::copy_n(w.values.begin() + (h * head_dim + j) * cols, cols, out.begin() + to * cols);
        }
    return out;
}

// llama3 scaling as divisors of each base frequency (ggml divides theta by them):
// 1 for short wavelengths, `factor` for long ones, a smooth blend in between.
std::vector<float> llama3_rope_divisors(const HfLlamaConfig &c) {
    std::vector<float> divisors;
    const double low_wavelen = c.original_max_pos / c.low_freq_factor;
    const double high_wavelen = c.original_max_pos / c.high_freq_factor;
    for (int64_t i = 0; i < c.head_dim / 2; ++i) {
        const double freq = std::pow(c.rope_theta, -2.0 * i / c.head_dim);
        const double wavelen = 2 * std::numbers::pi / freq;
        if (wavelen < high_wavelen) {
            divisors.push_back(1.0f);
        } else if (wavelen > low_wavelen) {
            divisors.push_back(static_cast<float>(c.rope_factor));
        } else {
            const double smooth =
                (c.original_max_pos / wavelen - c.low_freq_factor) / (c.high_freq_factor - c.low_freq_factor);
            divisors.push_back(static_cast<float>(1.0 / ((1 - smooth) / c.rope_factor + smooth)));
        }
    }
    return divisors;
}

void set_hparams(gguf_context *ctx, const HfLlamaConfig &c) {
    auto u32 = [&](const char *key, int64_t v) { gguf_set_val_u32(ctx, key, static_cast<uint32_t>(v)); };
    gguf_set_val_str(ctx, "general.architecture", "llama");
    u32("general.file_type", 0);
    u32("llama.context_length", c.max_pos);
    u32("llama.embedding_length", c.hidden);
    u32("llama.block_count", c.layers);
    u32("llama.feed_forward_length", c.intermediate);
    u32("llama.attention.head_count", c.heads);
    u32("llama.attention.head_count_kv", c.kv_heads);
    u32("llama.attention.key_length", c.head_dim);
    u32("llama.attention.value_length", c.head_dim);
    u32("llama.rope.dimension_count", c.head_dim);
    u32("llama.vocab_size", c.vocab);
    gguf_set_val_f32(ctx, "llama.rope.freq_base", static_cast<float>(c.rope_theta));
    gguf_set_val_f32(ctx, "llama.attention.layer_norm_rms_epsilon", static_cast<float>(c.rms_eps));
    gguf_set_val_str(ctx, "tokenizer.ggml.model", "none"); // token ids only
}

} // namespace

void write_llama_gguf_from_hf(const std::filesystem::path &model_dir, const std::filesystem::path &gguf_path,
                              const ConversionOptions &options) {
    const HfLlamaConfig c = read_hf_llama_config(model_dir);
    const auto tensors = read_hf_tensors(model_dir);
    oracle::GgufBuilder b;
    set_hparams(b.ctx(), c);

    auto get = [&](const std::string &name) -> const HfTensor & {
        const auto it = tensors.find(name);
        if (it == tensors.end())
            throw std::runtime_error(model_dir.string() + ": no tensor " + name);
        return it->second;
    };
    // HF [out, in] row-major is ggml ne = {in, out} with the same bytes.
    auto add = [&](const std::string &gguf_name, const HfTensor &t, std::vector<float> values) {
        std::vector<int64_t> ne(t.shape.rbegin(), t.shape.rend());
        b.add_f32_tensor(gguf_name, ne, values);
    };
    auto copy = [&](const std::string &gguf_name, const std::string &hf_name) {
        add(gguf_name, get(hf_name), get(hf_name).values);
    };

    copy("token_embd.weight", "model.embed_tokens.weight");
    for (int64_t i = 0; i < c.layers; ++i) {
        const std::string hf = "model.layers." + std::to_string(i) + ".", gg = "blk." + std::to_string(i) + ".";
        const auto &q = get(hf + "self_attn.q_proj.weight"), &k = get(hf + "self_attn.k_proj.weight");
        add(gg + "attn_q.weight", q, options.regroup_qk_for_rope ? regroup_rows_for_ggml_rope(q, c.heads) : q.values);
        add(gg + "attn_k.weight", k,
            options.regroup_qk_for_rope ? regroup_rows_for_ggml_rope(k, c.kv_heads) : k.values);
        copy(gg + "attn_v.weight", hf + "self_attn.v_proj.weight");
        copy(gg + "attn_output.weight", hf + "self_attn.o_proj.weight");
        copy(gg + "ffn_gate.weight", hf + "mlp.gate_proj.weight");
        copy(gg + "ffn_up.weight", hf + "mlp.up_proj.weight");
        copy(gg + "ffn_down.weight", hf + "mlp.down_proj.weight");
        copy(gg + "attn_norm.weight", hf + "input_layernorm.weight");
        copy(gg + "ffn_norm.weight", hf + "post_attention_layernorm.weight");
    }
    copy("output_norm.weight", "model.norm.weight");
    if (!c.tied)
        copy("output.weight", "lm_head.weight");
    if (c.llama3_rope && options.llama3_rope_freqs)
        b.add_f32_tensor("rope_freqs.weight", {c.head_dim / 2}, llama3_rope_divisors(c));
    b.write(gguf_path);
}

} // namespace reference::testing
