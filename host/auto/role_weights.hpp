// How much a tensor's relative error counts towards the model's loss in an
// `auto` export, by role (llama.cpp's mixes encode the same judgement in
// their type tables: output, attn_v and ffn_down get more bits, attn_q/attn_k
// and the token embedding fewer).
#pragma once

#include <string_view>

namespace gmat {

// tied_output: the model has no output.weight, so token_embd.weight also
// computes the logits and weighs as the output does.
double role_weight(std::string_view gguf_name, bool tied_output = false);

} // namespace gmat
