// Encodes one GGUF key/value pair (key string, u32 type, value) exactly as
// it will appear in the file, so that a bad value is refused when the host
// sets it rather than when the header is written.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::gguf {

// A scalar or string value; value points to the C type (const char* for
// strings, one byte 0 or 1 for bools). Throws sdk::Error beginning with
// context (e.g. "<path>: metadata key 'x'") when type or value is invalid.
std::vector<uint8_t> encode_scalar_kv(const std::string &key, gmat_value_type type, const void *value,
                                      const std::string &context);

// An array of count scalars, or of count strings (elements is then a
// const char* const*). Arrays of arrays are refused.
std::vector<uint8_t> encode_array_kv(const std::string &key, gmat_value_type element_type, const void *elements,
                                     uint64_t count, const std::string &context);

// Convenience for the writer's own keys (split.*, general.alignment).
template <class T>
std::vector<uint8_t> encode_kv(const std::string &key, gmat_value_type type, T value) {
    return encode_scalar_kv(key, type, &value, key);
}

} // namespace gmat::gguf
