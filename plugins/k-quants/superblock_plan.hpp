// What a scale search decides for one super-block, before it is packed into
// its ggml byte layout: the fp16 super-block scale(s), one integer code per
// sub-block, and the integer level of every element. Searches (which depend on
// the SIMD path) produce plans; packing (integer-only, shared) consumes them.
#pragma once

#include "block_layouts.hpp"

#include <cstdint>

namespace gmat::kquants {

// q3_k, q6_k: x = d * code[j] * (level - zero_level).
struct SymmetricPlan {
    uint16_t d = 0;          // fp16 bits
    int8_t codes[16] = {};   // signed sub-block scale codes
    uint8_t levels[kSuperBlock] = {};
};

// q2_k, q4_k, q5_k: x = d * scale_code[j] * level - dmin * min_code[j].
struct AsymmetricPlan {
    uint16_t d = 0;    // fp16 bits
    uint16_t dmin = 0; // fp16 bits
    uint8_t scale_codes[16] = {}; // q4_k and q5_k use the first 8
    uint8_t min_codes[16] = {};
    uint8_t levels[kSuperBlock] = {};
};

} // namespace gmat::kquants
