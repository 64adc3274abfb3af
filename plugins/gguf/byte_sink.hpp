// An in-memory byte string that GGUF header parts are encoded into.
#pragma once

#include "gguf_format.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

namespace gmat::gguf {

class ByteSink {
public:
    template <class T>
    void put(T value) {
        static_assert(std::is_arithmetic_v<T>);
        put_bytes(&value, sizeof value);
    }
    void put_bytes(const void *data, size_t n) {
        const auto *p = static_cast<const uint8_t *>(data);
        bytes_.insert(bytes_.end(), p, p + n);
    }
    // GGUF string: u64 byte length, then the bytes without a NUL.
    void put_string(std::string_view s) {
        put<uint64_t>(s.size());
        put_bytes(s.data(), s.size());
    }
    void pad_to(uint64_t alignment) { bytes_.resize(padded_size(bytes_.size(), alignment), 0); }

    const std::vector<uint8_t> &bytes() const { return bytes_; }
    std::vector<uint8_t> take() { return std::move(bytes_); }

private:
    std::vector<uint8_t> bytes_;
};

} // namespace gmat::gguf
