#include "store/codec_byte_planes.hpp"

#include <cstring>

namespace gmat {

namespace {
// A fixed element size lets the compiler unroll the inner loop.
template <size_t S> void split_fixed(const uint8_t *src, size_t n, uint8_t *dst) {
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < S; ++k) dst[k * n + i] = src[i * S + k];
}
template <size_t S> void join_fixed(const uint8_t *src, size_t n, uint8_t *dst) {
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < S; ++k) dst[i * S + k] = src[k * n + i];
}
} // namespace

void split_byte_planes(const uint8_t *src, size_t n_bytes, size_t s, uint8_t *dst) {
    const size_t n = n_bytes / s;
    switch (s) {
    case 2: return split_fixed<2>(src, n, dst);
    case 4: return split_fixed<4>(src, n, dst);
    case 8: return split_fixed<8>(src, n, dst);
    default:
        if (s <= 1) return static_cast<void>(n_bytes ? std::memcpy(dst, src, n_bytes) : nullptr);
        for (size_t i = 0; i < n; ++i)
            for (size_t k = 0; k < s; ++k) dst[k * n + i] = src[i * s + k];
    }
}

void join_byte_planes(const uint8_t *src, size_t n_bytes, size_t s, uint8_t *dst) {
    const size_t n = n_bytes / s;
    switch (s) {
    case 2: return join_fixed<2>(src, n, dst);
    case 4: return join_fixed<4>(src, n, dst);
    case 8: return join_fixed<8>(src, n, dst);
    default:
        if (s <= 1) return static_cast<void>(n_bytes ? std::memcpy(dst, src, n_bytes) : nullptr);
        for (size_t i = 0; i < n; ++i)
            for (size_t k = 0; k < s; ++k) dst[i * s + k] = src[k * n + i];
    }
}

} // namespace gmat
