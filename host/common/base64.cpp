#include "common/base64.hpp"

#include <array>
#include <stdexcept>

namespace gmat {

namespace {

constexpr int8_t not_base64 = -1;

constexpr std::array<int8_t, 256> make_sextet_table() {
    std::array<int8_t, 256> table{};
    for (auto &entry : table) entry = not_base64;
    for (int i = 0; i < 26; ++i) table['A' + i] = static_cast<int8_t>(i), table['a' + i] = static_cast<int8_t>(26 + i);
    for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<int8_t>(52 + i);
    table['+'] = 62;
    table['/'] = 63;
    return table;
}

constexpr std::array<int8_t, 256> sextet_of = make_sextet_table();

std::string describe_character(unsigned char c) {
    if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    static const char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

} // namespace

std::string decode_base64(std::string_view text) {
    if (text.size() % 4 != 0)
        throw std::invalid_argument("base64 length " + std::to_string(text.size()) + " is not a multiple of 4");
    size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
    const size_t data_chars = text.size() - padding;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t bits = 0;
    int bit_count = 0;
    for (size_t i = 0; i < data_chars; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const int8_t sextet = sextet_of[c];
        if (sextet == not_base64)
            throw std::invalid_argument(describe_character(c) + " at position " + std::to_string(i + 1) +
                                        (c == '=' ? " is padding before the end of the base64 text"
                                                  : " is not a base64 character"));
        bits = (bits << 6) | static_cast<uint32_t>(sextet);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
        }
    }
    // "x===" leaves a lone sextet, which encodes no whole byte.
    if (data_chars % 4 == 1) throw std::invalid_argument("base64 group of one character before the padding");
    return out;
}

} // namespace gmat
