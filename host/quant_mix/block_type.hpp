// The tensor types a quantization mix can assign, by the names the quant
// plugins use, with the one property the mix rules need: elements per block.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gmat::quant_mix {

enum class BlockType {
    f32,
    f16,
    bf16,
    q4_0,
    q4_1,
    q5_0,
    q5_1,
    q8_0,
    q2_k,
    q3_k,
    q4_k,
    q5_k,
    q6_k,
    iq4_nl,
    iq4_xs,
    iq1_s,
    iq1_m,
    iq2_xxs,
    iq2_xs,
    iq2_s,
    iq3_xxs,
    iq3_s,
    mxfp4,
};

std::string_view block_type_name(BlockType type);
// Case-insensitive; nullopt for names outside the table above.
std::optional<BlockType> parse_block_type(std::string_view name);
// Elements in one block: 1 for floats, 32 for the legacy types, iq4_nl and mxfp4, 256 for k-quants and the other i-quants.
uint32_t block_elements(BlockType type);
// llama.cpp's ggml_is_quantized: false for f32, f16 and bf16.
bool is_quantized(BlockType type);
// A row fits when its length is a whole number of blocks.
bool row_fits(BlockType type, uint64_t row_length);

} // namespace gmat::quant_mix
