// The K types and strategies every k-quants test runs over.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::kquants::testing {

struct KType {
    const char *name;
    uint32_t gguf_type;
    uint32_t block_bytes;
    uint32_t sub_block; // values per scale code
};

inline const std::vector<KType> &k_types() {
    static const std::vector<KType> types = {
        {"q2_k", 10, 84, 16}, {"q3_k", 11, 110, 16}, {"q4_k", 12, 144, 32}, {"q5_k", 13, 176, 32}, {"q6_k", 14, 210, 16}};
    return types;
}

struct KCase {
    KType type;
    gmat_scale_strategy strategy;
};

inline std::vector<KCase> k_cases() {
    std::vector<KCase> cases;
    for (const KType &t : k_types())
        for (gmat_scale_strategy s : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) cases.push_back({t, s});
    return cases;
}

inline std::string case_name(const KCase &c) {
    return std::string(c.type.name) + (c.strategy == GMAT_SCALE_TRELLIS ? "_trellis" : "_standard");
}

} // namespace gmat::kquants::testing
