// Bit layouts shared by several K types (see block_packing.hpp).
#include "block_packing.hpp"

namespace gmat::kquants {

void pack_scale_min_codes(const uint8_t *scale_codes, const uint8_t *min_codes, uint8_t *packed) {
    for (int j = 0; j < 4; ++j) {
        packed[j] = uint8_t(scale_codes[j] | ((scale_codes[j + 4] >> 4) << 6));
        packed[j + 4] = uint8_t(min_codes[j] | ((min_codes[j + 4] >> 4) << 6));
        packed[j + 8] = uint8_t((scale_codes[j + 4] & 0xF) | ((min_codes[j + 4] & 0xF) << 4));
    }
}

void unpack_scale_min_code(const uint8_t *packed, int sub_block, uint8_t &scale_code, uint8_t &min_code) {
    if (sub_block < 4) {
        scale_code = packed[sub_block] & 63;
        min_code = packed[sub_block + 4] & 63;
    } else {
        scale_code = uint8_t((packed[sub_block + 4] & 0xF) | ((packed[sub_block - 4] >> 6) << 4));
        min_code = uint8_t((packed[sub_block + 4] >> 4) | ((packed[sub_block] >> 6) << 4));
    }
}

void pack_two_bit_planes(const uint8_t *levels, uint8_t *qs) {
    for (int half = 0; half < 2; ++half) {
        const uint8_t *l = levels + 128 * half;
        uint8_t *q = qs + 32 * half;
        for (int i = 0; i < 32; ++i)
            q[i] = uint8_t((l[i] & 3) | ((l[i + 32] & 3) << 2) | ((l[i + 64] & 3) << 4) | ((l[i + 96] & 3) << 6));
    }
}

void gather_bit_planes(const uint8_t *levels, int bit, uint8_t *mask) {
    // Plane by plane over all 32 bytes, so the compiler can vectorise the inner loop.
    uint8_t m[32] = {};
    for (int k = 0; k < 8; ++k)
        for (int i = 0; i < 32; ++i) m[i] = uint8_t(m[i] | (((levels[i + 32 * k] >> bit) & 1u) << k));
    for (int i = 0; i < 32; ++i) mask[i] = m[i];
}

} // namespace gmat::kquants
