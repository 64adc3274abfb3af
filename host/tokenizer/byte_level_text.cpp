#include "tokenizer/byte_level_text.hpp"

#include <array>
#include <cstdint>

namespace gmat {

namespace {

bool stands_for_itself(unsigned byte) {
    return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

std::array<std::string, 256> make_byte_texts() {
    std::array<std::string, 256> texts;
    uint32_t next_extra = 0x100;
    for (unsigned byte = 0; byte < 256; ++byte) {
        const uint32_t cp = stands_for_itself(byte) ? byte : next_extra++;
        std::string &utf8 = texts[byte];
        if (cp < 0x80) {
            utf8.push_back(static_cast<char>(cp));
        } else { // every code point here is below U+0800: two bytes
            utf8.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    return texts;
}

} // namespace

std::string byte_level_text(std::string_view bytes) {
    static const std::array<std::string, 256> byte_texts = make_byte_texts();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char byte : bytes) out += byte_texts[static_cast<unsigned char>(byte)];
    return out;
}

} // namespace gmat
