#include "quant_mix/mix_names.hpp"

#include "common/error.hpp"
#include "quant_mix/mix.hpp"

namespace gmat {
using quant_mix::BlockType;

bool is_mix_name(std::string_view name) { return quant_mix::parse_mix(name).has_value(); }

std::string mix_names_list() {
    std::string out;
    for (std::string_view name : quant_mix::all_mix_names()) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

std::string base_type_of(std::string_view mix_or_type) {
    // iq2_s names both a block type and llama.cpp's mostly-iq2_xs mix: for one tensor it is the block type.
    if (auto type = quant_mix::parse_block_type(mix_or_type)) return std::string(quant_mix::block_type_name(*type));
    if (auto mix = quant_mix::parse_mix(mix_or_type))
        return std::string(quant_mix::block_type_name(quant_mix::mix_base_type(*mix)));
    throw GmatError("'" + std::string(mix_or_type) +
                    "' is neither a quantization mix (e.g. q4_k_m) nor a block type (e.g. q4_k)");
}

uint32_t llama_ftype_of(std::string_view mix) {
    if (auto parsed = quant_mix::parse_mix(mix)) return quant_mix::mix_llama_ftype(*parsed);
    throw GmatError("'" + std::string(mix) + "' is not a quantization mix (e.g. q4_k_m, q8_0, f16)");
}

} // namespace gmat
