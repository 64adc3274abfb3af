// Facts of the GGUF v3 container that the writer's parts share: fixed header
// fields, limits llama.cpp's reader enforces, and the sizes of value types.
#pragma once

#include <gmat/abi.h>

#include <bit>
#include <cstdint>

namespace gmat::gguf {

// The encoders copy native integers and floats byte for byte.
static_assert(std::endian::native == std::endian::little, "the gguf writer assumes a little-endian machine");

inline constexpr uint32_t kMagic = 0x46554747; // "GGUF" read as a little-endian u32
inline constexpr uint32_t kVersion = 3;
inline constexpr uint32_t kDefaultAlignment = 32;
inline constexpr char kAlignmentKey[] = "general.alignment";

// llama.cpp's reader refuses tensors with more dimensions or longer names.
inline constexpr uint32_t kMaxDims = 4;
inline constexpr uint64_t kMaxNameBytes = 63; // GGML_MAX_NAME (64) includes the NUL

// Bytes of one scalar of type, or 0 for strings, arrays and unknown ids.
constexpr uint64_t scalar_size(gmat_value_type type) {
    switch (type) {
    case GMAT_VALUE_U8:
    case GMAT_VALUE_I8:
    case GMAT_VALUE_BOOL: return 1;
    case GMAT_VALUE_U16:
    case GMAT_VALUE_I16: return 2;
    case GMAT_VALUE_U32:
    case GMAT_VALUE_I32:
    case GMAT_VALUE_F32: return 4;
    case GMAT_VALUE_U64:
    case GMAT_VALUE_I64:
    case GMAT_VALUE_F64: return 8;
    default: return 0;
    }
}

constexpr bool is_power_of_two(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// n rounded up to a multiple of alignment (a power of two).
constexpr uint64_t padded_size(uint64_t n, uint64_t alignment) { return (n + alignment - 1) & ~(alignment - 1); }

} // namespace gmat::gguf
