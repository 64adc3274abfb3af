#include "quant_mix/required_imatrix.hpp"

#include "quant_mix/lowercase.hpp"

#include <array>

namespace gmat::quant_mix {

bool requires_imatrix(std::string_view tensor_name, std::string_view type, std::optional<Mix> mix) {
    if (tensor_name == "token_embd.weight" || tensor_name == "per_layer_token_embd.weight" ||
        tensor_name == "output.weight")
        return false;
    const std::string name = lowercase(type);
    constexpr std::array<std::string_view, 6> kAlways{"iq3_xxs", "iq2_xxs", "iq2_xs", "iq2_s", "iq1_m", "iq1_s"};
    for (std::string_view t : kAlways)
        if (name == t) return true;
    // k-quants do not need one, except the q2_k tensors of a q2_k_s file.
    return name == "q2_k" && mix == Mix::q2_k_s;
}

} // namespace gmat::quant_mix
