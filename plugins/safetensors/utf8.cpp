#include "utf8.hpp"

#include <cstdint>

namespace gmat::safetensors {

namespace {

// Length of the sequence starting at lead (0 when lead cannot start one), and
// the range the second byte must fall in to rule out overlong forms,
// surrogates and code points above U+10FFFF (RFC 3629, table 3-7 of Unicode).
struct SequenceRule {
    size_t length;
    uint8_t second_min, second_max;
};

SequenceRule rule_for(uint8_t lead) {
    if (lead < 0x80) return {1, 0, 0};
    if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
    if (lead == 0xE0) return {3, 0xA0, 0xBF};
    if (lead == 0xED) return {3, 0x80, 0x9F};
    if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
    if (lead == 0xF0) return {4, 0x90, 0xBF};
    if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
    if (lead == 0xF4) return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

} // namespace

std::optional<size_t> first_invalid_utf8(std::string_view text) {
    const auto *bytes = reinterpret_cast<const uint8_t *>(text.data());
    size_t i = 0;
    while (i < text.size()) {
        const SequenceRule rule = rule_for(bytes[i]);
        if (rule.length == 0) return i;
        if (rule.length == 1) {
            ++i;
            continue;
        }
        if (text.size() - i < rule.length) return i;
        if (bytes[i + 1] < rule.second_min || bytes[i + 1] > rule.second_max) return i;
        for (size_t k = 2; k < rule.length; ++k)
            if ((bytes[i + k] & 0xC0) != 0x80) return i;
        i += rule.length;
    }
    return std::nullopt;
}

} // namespace gmat::safetensors
