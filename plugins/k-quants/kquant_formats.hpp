// The shape of each K type's super-block as the scale searches see it:
// sub-block length, level range and code range. Facts from ggml-common.h.
#pragma once

namespace gmat::kquants {

// q2_k, q4_k, q5_k: x = d*sc*l - dmin*m, l in [0, max_level], sc and m in [0, max_code].
struct AsymmetricFormat {
    int sub_len;
    int sub_blocks;
    int max_level;
    int max_code;
};

// q3_k, q6_k: x = d*sc*l, l in [-neg_levels, neg_levels - 1], sc in [-neg_codes, neg_codes - 1].
struct SymmetricFormat {
    int sub_len;
    int sub_blocks;
    int neg_levels; // 4 for q3_k, 32 for q6_k; the stored level is l + neg_levels
    int neg_codes;  // 32 for q3_k, 128 for q6_k
};

inline constexpr AsymmetricFormat kQ2KFormat{16, 16, 3, 15};
inline constexpr AsymmetricFormat kQ4KFormat{32, 8, 15, 63};
inline constexpr AsymmetricFormat kQ5KFormat{32, 8, 31, 63};
inline constexpr SymmetricFormat kQ3KFormat{16, 16, 4, 32};
inline constexpr SymmetricFormat kQ6KFormat{16, 16, 32, 128};

} // namespace gmat::kquants
