#include "store/tensor_uuid.hpp"

#include <xxhash.h>

#include <cctype>
#include <cstdio>
#include <cstring>

namespace gmat {

std::string tensor_uuid_for(std::string_view source_name) {
    const std::string key = "gmat-tensor:" + std::string(source_name);
    const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
    uint8_t b[16];
    std::memcpy(b, &h.high64, 8);
    std::memcpy(b + 8, &h.low64, 8);
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x80); // version 8
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80); // RFC variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

bool is_uuid(std::string_view t) {
    if (t.size() != 36) return false;
    for (size_t i = 0; i < t.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
}

} // namespace gmat
