// Splitting ordered work into contiguous runs balanced by bytes, alike on
// every machine (integer arithmetic only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace gmat {

// Items [first, end) of part `part` of `parts`: boundary b_i is the first item
// whose preceding weights reach i/parts of the total (b_0 = 0, b_parts = size).
inline std::pair<size_t, size_t> balanced_range(const std::vector<uint64_t> &weights, uint32_t part, uint32_t parts) {
    unsigned __int128 total = 0;
    for (uint64_t w : weights) total += w;
    auto boundary = [&](uint32_t i) -> size_t {
        if (i == 0) return 0;
        if (i >= parts) return weights.size();
        unsigned __int128 prefix = 0;
        for (size_t k = 0; k < weights.size(); ++k) {
            if (prefix * parts >= total * i) return k;
            prefix += weights[k];
        }
        return weights.size();
    };
    return {boundary(part), boundary(part + 1)};
}

// "-00002-of-00004" style suffix of part index (0-based) of count.
inline std::string part_suffix(uint32_t part, uint32_t parts) {
    char text[48];
    std::snprintf(text, sizeof text, "part-%05u-of-%05u", part + 1, parts);
    return text;
}

} // namespace gmat
