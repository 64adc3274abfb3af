#include "quant_mix/unquantized_tensors.hpp"

#include <array>
#include <utility>

namespace gmat::quant_mix {
namespace {

using NamePattern = std::pair<std::string_view, std::string_view>; // (substring, why)

// Substrings from llama.cpp's tensor_allows_quantization, in its order.
constexpr std::array<NamePattern, 35> kUnquantizedSubstrings{{
    {"_norm.weight", "norm"},
    {"ffn_gate_inp.weight", "MoE router (ffn_gate_inp)"},
    {"ffn_gate_tid2eid.weight", "token-to-expert table (ffn_gate_tid2eid)"},
    {"altup", "tiny altup tensor"},
    {"laurel", "tiny laurel tensor"},
    {"per_layer_model_proj", "per_layer_model_proj, kept as is"},
    {"ssm_conv1d", "small conv1d weight (ssm_conv1d)"},
    {"shortconv.conv.weight", "small conv1d weight (shortconv)"},
    {"indexer.k_proj.weight", "tiny indexer projection"},
    {"indexer.q_proj.weight", "tiny indexer projection"},
    {"time_mix_first.weight", "small RWKV weight"},
    {"time_mix_w0.weight", "small RWKV weight"},
    {"time_mix_w1.weight", "small RWKV weight"},
    {"time_mix_w2.weight", "small RWKV weight"},
    {"time_mix_v0.weight", "small RWKV weight"},
    {"time_mix_v1.weight", "small RWKV weight"},
    {"time_mix_v2.weight", "small RWKV weight"},
    {"time_mix_a0.weight", "small RWKV weight"},
    {"time_mix_a1.weight", "small RWKV weight"},
    {"time_mix_a2.weight", "small RWKV weight"},
    {"time_mix_g1.weight", "small RWKV weight"},
    {"time_mix_g2.weight", "small RWKV weight"},
    {"time_mix_decay_w1.weight", "small RWKV weight"},
    {"time_mix_decay_w2.weight", "small RWKV weight"},
    {"time_mix_lerp_fused.weight", "small RWKV weight"},
    {"attn_rel_b.weight", "relative position bias"},
    {".position_embd", "multimodal position embedding"},
    {"sam.pos_embd", "multimodal position embedding"},
    {"sam.neck.", "multimodal SAM neck"},
    {"sam.net_", "multimodal SAM net"},
    {".rel_pos", "multimodal relative position"},
    {".patch_embd", "multimodal patch embedding"},
    {".patch_merger", "multimodal patch merger"},
    {"a.rvq.codebook", "audio codebook"},
    {"mm.a.code_embd", "audio codebook"},
}};

// Whole names (llama.cpp compares these with ==; a vision tower's v.position_embd is a substring rule above).
constexpr std::array<NamePattern, 2> kUnquantizedNames{{
    {"position_embd.weight", "position embedding"},
    {"token_types.weight", "token type embedding"},
}};

} // namespace

int significant_dims(const std::vector<uint64_t> &ne) {
    for (size_t i = ne.size(); i > 1; --i)
        if (ne[i - 1] > 1) return static_cast<int>(i);
    return 1;
}

std::optional<std::string> why_kept_unquantized(std::string_view name, const std::vector<uint64_t> &ne) {
    if (significant_dims(ne) < 2) return "1-D tensor";
    if (!name.ends_with("weight")) return "name does not end in 'weight'";
    for (const auto &[part, why] : kUnquantizedSubstrings)
        if (name.find(part) != std::string_view::npos) return std::string(why);
    for (const auto &[whole, why] : kUnquantizedNames)
        if (name == whole) return std::string(why);
    return std::nullopt;
}

} // namespace gmat::quant_mix
