// llama.cpp's fallback for rows that are not a whole number of blocks: a
// 256-element type steps down to a 32-element sibling of similar size, and
// anything that still does not fit becomes F16.
#pragma once

#include "quant_mix/block_type.hpp"

#include <cstdint>
#include <string>

namespace gmat::quant_mix {

struct RowFit {
    BlockType type;
    bool fell_back = false;
    std::string reason; // empty unless fell_back
};

// q4_k -> q5_0, q5_k -> q5_1, q6_k -> q8_0, q2_k/q3_k -> q4_0, iq4_xs -> iq4_nl; then f16 if needed.
RowFit fit_row(BlockType chosen, uint64_t row_length);

} // namespace gmat::quant_mix
