#include "tiny_models.hpp"

#include <algorithm>

namespace quant_mix_test {
namespace {

// A 2-D weight with row length `row` and at most s.max_rows of its `rows`.
TinyTensor weight(const std::string &name, uint64_t row, uint64_t rows, const DenseShape &s) {
    return {name, {row, std::min(rows, s.max_rows)}, "f16"};
}

void add_layer(std::vector<TinyTensor> &out, const DenseShape &s, uint32_t il) {
    const std::string p = "blk." + std::to_string(il) + ".";
    const uint64_t kv = uint64_t{s.n_embd} / s.n_head * s.n_head_kv;
    out.push_back({p + "attn_norm.weight", {s.n_embd}, "f32"});
    out.push_back(weight(p + "attn_q.weight", s.n_embd, s.n_embd, s));
    out.push_back(weight(p + "attn_k.weight", s.n_embd, kv, s));
    out.push_back(weight(p + "attn_v.weight", s.n_embd, kv, s));
    out.push_back(weight(p + "attn_output.weight", s.n_embd, s.n_embd, s));
    out.push_back({p + "ffn_norm.weight", {s.n_embd}, "f32"});
    out.push_back(weight(p + "ffn_gate.weight", s.n_embd, s.n_ff, s));
    out.push_back(weight(p + "ffn_up.weight", s.n_embd, s.n_ff, s));
    out.push_back(weight(p + "ffn_down.weight", s.n_ff, s.n_embd, s));
}

gmat::MixModel llama_hparams(uint32_t n_layer, const DenseShape &s, uint32_t n_expert) {
    gmat::MixModel m;
    m.architecture = "llama";
    m.n_layer = n_layer;
    m.n_head = s.n_head;
    m.n_head_kv = s.n_head_kv;
    m.n_expert = n_expert;
    m.n_embd = s.n_embd;
    m.has_output_tensor = !s.tied;
    return m;
}

void add_embeddings(std::vector<TinyTensor> &out, const DenseShape &s) {
    out.push_back({"output_norm.weight", {s.n_embd}, "f32"});
    if (!s.tied) out.push_back(weight("output.weight", s.n_embd, s.n_vocab, s));
    out.push_back(weight("token_embd.weight", s.n_embd, s.n_vocab, s));
}

} // namespace

TinyModel dense_llama(const std::string &label, const DenseShape &shape) {
    TinyModel m{label, llama_hparams(shape.n_layer, shape, 0), {}};
    for (uint32_t il = shape.n_layer; il-- > 0;)
        add_layer(m.tensors, shape, il);
    add_embeddings(m.tensors, shape);
    return m;
}

TinyModel dense_llama_with_oddities(const std::string &label, const DenseShape &s) {
    TinyModel m = dense_llama(label, s);
    const uint64_t head_dim = s.n_embd / s.n_head;
    std::vector<TinyTensor> odd = {
        {"rope_freqs.weight", {head_dim / 2}, "f32"},
        {"position_embd.weight", {s.n_embd, 64}, "f16"},
        {"token_types.weight", {s.n_embd, 2}, "f32"},
        {"blk.0.attn_probe.weight", {s.n_embd, 1}, "f16"},
        {"blk.1.ffn_up.scale", {s.n_embd, 4}, "f16"},
        weight("blk.2.ffn_down_shexp.weight", s.n_ff, s.n_embd, s),
        {"blk.3.ffn_gate_inp.weight", {s.n_embd, 4}, "f32"},
        {"blk.4.extra_proj.weight", {s.n_embd, 64}, "f16"},
        weight("blk.5.attn_qkv.weight", s.n_embd, s.n_embd + 2 * head_dim * s.n_head_kv, s),
        {"blk.9.attn_sub_norm.weight", {s.n_embd, 2}, "f32"},
    };
    m.tensors.insert(m.tensors.begin() + static_cast<long>(m.tensors.size() / 2), odd.begin(), odd.end());
    return m;
}

TinyModel moe_llama(const std::string &label, uint32_t n_layer, uint32_t n_expert) {
    const DenseShape s{.n_layer = n_layer, .n_embd = 256, .n_ff = 256, .n_head = 8, .n_head_kv = 2, .n_vocab = 256};
    TinyModel m{label, llama_hparams(n_layer, s, n_expert), {}};
    const uint64_t kv = uint64_t{s.n_embd} / s.n_head * s.n_head_kv;
    for (uint32_t il = 0; il < n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        m.tensors.push_back({p + "attn_norm.weight", {s.n_embd}, "f32"});
        m.tensors.push_back({p + "attn_q.weight", {s.n_embd, 64}, "f16"});
        m.tensors.push_back({p + "attn_k.weight", {s.n_embd, kv}, "f16"});
        m.tensors.push_back({p + "attn_v.weight", {s.n_embd, kv}, "f16"});
        m.tensors.push_back({p + "attn_output.weight", {s.n_embd, 64}, "f16"});
        m.tensors.push_back({p + "ffn_gate_inp.weight", {s.n_embd, n_expert}, "f32"});
        m.tensors.push_back({p + "ffn_gate_exps.weight", {s.n_embd, 32, n_expert}, "f16"});
        m.tensors.push_back({p + "ffn_up_exps.weight", {s.n_embd, 32, n_expert}, "f16"});
        m.tensors.push_back({p + "ffn_down_exps.weight", {s.n_ff, 32, n_expert}, "f16"});
    }
    add_embeddings(m.tensors, s);
    return m;
}

TinyModel llama_80_layers(const std::string &label, uint32_t n_head_kv) {
    const DenseShape s{.n_layer = 80, .n_embd = 256, .n_ff = 256, .n_head = 8, .n_head_kv = n_head_kv, .n_vocab = 64};
    TinyModel m{label, llama_hparams(80, s, 0), {}};
    for (uint32_t il = 0; il < 80; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        m.tensors.push_back({p + "attn_v.weight", {s.n_embd, 16}, "f16"});
        m.tensors.push_back({p + "ffn_down.weight", {s.n_ff, 16}, "f16"});
    }
    add_embeddings(m.tensors, s);
    return m;
}

TinyModel falcon(const std::string &label) {
    const DenseShape s{.n_layer = 16, .n_embd = 256, .n_ff = 512, .n_head = 8, .n_head_kv = 1, .n_vocab = 128};
    TinyModel m{label, llama_hparams(s.n_layer, s, 0), {}};
    m.model.architecture = "falcon";
    for (uint32_t il = 0; il < s.n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        m.tensors.push_back({p + "attn_norm.weight", {s.n_embd}, "f32"});
        m.tensors.push_back({p + "attn_norm.bias", {s.n_embd}, "f32"});
        m.tensors.push_back({p + "attn_qkv.weight", {s.n_embd, 64}, "f16"});
        m.tensors.push_back({p + "attn_output.weight", {s.n_embd, 32}, "f16"});
        m.tensors.push_back({p + "ffn_up.weight", {s.n_embd, 32}, "f16"});
        m.tensors.push_back({p + "ffn_down.weight", {s.n_ff, 32}, "f16"});
    }
    add_embeddings(m.tensors, s);
    return m;
}

std::vector<gmat::MixTensor> mix_tensors(const TinyModel &model) {
    std::vector<gmat::MixTensor> out;
    for (const TinyTensor &t : model.tensors)
        out.push_back({t.name, t.ne, t.type});
    return out;
}

} // namespace quant_mix_test
