#include "quant_mix/tensor_role.hpp"

#include <array>
#include <utility>

namespace gmat::quant_mix {
namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

} // namespace

TensorRole tensor_role(std::string_view name) {
    if (name == "output.weight") return TensorRole::output;
    if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return TensorRole::token_embd;
    // Substring tests in llama.cpp's order: "attn_qkv" must win over "attn_v"/"attn_k"/"attn_q",
    // "ffn_up" over "ffn_gate" (for fused gate_up names).
    static constexpr std::array<std::pair<std::string_view, TensorRole>, 9> kRolesBySubstring{{
        {"attn_qkv.weight", TensorRole::attn_v},
        {"attn_kv_b.weight", TensorRole::attn_v},
        {"attn_v.weight", TensorRole::attn_v},
        {"attn_k.weight", TensorRole::attn_k},
        {"attn_q.weight", TensorRole::attn_q},
        {"attn_output.weight", TensorRole::attn_output},
        {"ffn_up", TensorRole::ffn_up},
        {"ffn_gate", TensorRole::ffn_gate},
        {"ffn_down", TensorRole::ffn_down},
    }};
    for (const auto &[part, role] : kRolesBySubstring)
        if (contains(name, part)) return role;
    return TensorRole::other;
}

std::string_view tensor_role_name(TensorRole role) {
    switch (role) {
    case TensorRole::token_embd: return "token_embd";
    case TensorRole::output: return "output";
    case TensorRole::attn_q: return "attn_q";
    case TensorRole::attn_k: return "attn_k";
    case TensorRole::attn_v: return "attn_v";
    case TensorRole::attn_output: return "attn_output";
    case TensorRole::ffn_up: return "ffn_up";
    case TensorRole::ffn_gate: return "ffn_gate";
    case TensorRole::ffn_down: return "ffn_down";
    case TensorRole::other: return "other";
    }
    return "other";
}

} // namespace gmat::quant_mix
