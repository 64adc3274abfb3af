// ggml's 7-bit sign codes (iq3_xxs, iq2_xxs, iq2_xs): a code s stands for 8
// sign bits, bit j (j < 7) of s for value j and the parity of s for value 7,
// so every 8 values carry an even number of minus signs.
#pragma once

#include <cstdint>

namespace gmat::iqlattice {

// The 8 sign bits a 7-bit sign code stands for (bit 7: the parity of the code).
constexpr uint8_t sign_bits_of_code(uint32_t code) {
    uint32_t parity = 0;
    for (uint32_t c = code & 127; c; c >>= 1) parity ^= c & 1;
    return uint8_t((code & 127) | (parity << 7));
}

} // namespace gmat::iqlattice
