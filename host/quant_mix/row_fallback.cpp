#include "quant_mix/row_fallback.hpp"

namespace gmat::quant_mix {
namespace {

// The 32-element type llama.cpp substitutes; 32-element types have none and go straight to f16.
BlockType smaller_block_sibling(BlockType type) {
    switch (type) {
    case BlockType::iq1_s:
    case BlockType::iq1_m:
    case BlockType::iq2_xxs:
    case BlockType::iq2_xs:
    case BlockType::iq2_s:
    case BlockType::iq3_xxs:
    case BlockType::iq3_s:
    case BlockType::iq4_xs: return BlockType::iq4_nl;
    case BlockType::q2_k:
    case BlockType::q3_k: return BlockType::q4_0;
    case BlockType::q4_k: return BlockType::q5_0;
    case BlockType::q5_k: return BlockType::q5_1;
    case BlockType::q6_k: return BlockType::q8_0;
    default: return type;
    }
}

} // namespace

RowFit fit_row(BlockType chosen, uint64_t row_length) {
    if (!is_quantized(chosen) || row_fits(chosen, row_length)) return {chosen, false, {}};
    BlockType fitted = smaller_block_sibling(chosen);
    if (!row_fits(fitted, row_length)) fitted = BlockType::f16;
    std::string reason = "fallback: row length " + std::to_string(row_length) + " not a multiple of " +
                         std::to_string(block_elements(chosen)) + " (" + std::string(block_type_name(chosen)) +
                         ") -> " + std::string(block_type_name(fitted));
    return {fitted, true, std::move(reason)};
}

} // namespace gmat::quant_mix
