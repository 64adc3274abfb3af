// ASCII lowercase copy: mix and type names are matched case-insensitively.
#pragma once

#include <string>
#include <string_view>

namespace gmat::quant_mix {

inline std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace gmat::quant_mix
