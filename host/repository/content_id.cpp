#include "repository/content_id.hpp"

#include "common/error.hpp"

#include <cctype>
#include <cstdio>

namespace gmat {

ContentHasher::ContentHasher(gmat_dtype dtype, const std::vector<uint64_t> &shape, const SourceLayout &source)
    : state_(XXH3_createState()) {
    if (!state_) throw GmatError("cannot allocate an XXH3 state");
    XXH3_128bits_reset(state_);
    // Fixed-width little-endian fields, so [2, 3] and [23] never hash alike.
    const uint64_t prefix[2] = {static_cast<uint64_t>(dtype), static_cast<uint64_t>(shape.size())};
    XXH3_128bits_update(state_, prefix, sizeof prefix);
    XXH3_128bits_update(state_, shape.data(), shape.size() * sizeof(uint64_t));
    if (source.encoded()) {
        const std::vector<uint8_t> layout = encode_source_layout(source);
        XXH3_128bits_update(state_, layout.data(), layout.size());
    }
}

ContentHasher::~ContentHasher() { XXH3_freeState(state_); }

void ContentHasher::update(const void *data, uint64_t n_bytes) { XXH3_128bits_update(state_, data, n_bytes); }

std::string ContentHasher::finish() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_);
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return text;
}

bool is_blob_name(const std::string &name) {
    if (name.size() < 32) return false;
    for (size_t i = 0; i < 32; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i])) || std::isupper(static_cast<unsigned char>(name[i])))
            return false;
    if (name.size() == 32) return true;
    if (name[32] != '-' || name.size() == 33) return false;
    for (size_t i = 33; i < name.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
    return true;
}

} // namespace gmat
