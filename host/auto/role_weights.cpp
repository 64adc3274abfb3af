#include "auto/role_weights.hpp"

#include "quant_mix/tensor_role.hpp"

namespace gmat {

double role_weight(std::string_view gguf_name, bool tied_output) {
    using quant_mix::TensorRole;
    if (tied_output && gguf_name == "token_embd.weight") return role_weight("output.weight");
    switch (quant_mix::tensor_role(gguf_name)) {
    case TensorRole::output: return 2.0;      // every logit passes through it
    case TensorRole::attn_v: return 1.5;      // values carry the attention output itself
    case TensorRole::ffn_down: return 1.5;    // writes straight into the residual stream
    case TensorRole::attn_output: return 1.0;
    case TensorRole::ffn_up: return 1.0;
    case TensorRole::ffn_gate: return 1.0;
    case TensorRole::attn_q: return 0.5;      // errors reach the output damped by the softmax
    case TensorRole::attn_k: return 0.5;
    case TensorRole::token_embd: return 0.5;  // a row lookup: each error touches one token
    case TensorRole::other: return 1.0;
    }
    return 1.0;
}

} // namespace gmat
