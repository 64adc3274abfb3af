#include "kv_encoding.hpp"

#include "byte_sink.hpp"
#include "gguf_format.hpp"

#include <gmat/sdk.hpp>

namespace gmat::gguf {
namespace {

[[noreturn]] void refuse(const std::string &context, const std::string &what) {
    throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, context + ": " + what);
}

void require_key(const std::string &key, const std::string &context) {
    if (key.empty()) refuse(context, "metadata key is empty");
}

// Bools are one byte on disk; anything but 0 or 1 is a caller bug, not a value.
void require_bool_bytes(const uint8_t *bytes, uint64_t count, const std::string &context) {
    for (uint64_t i = 0; i < count; ++i) {
        if (bytes[i] > 1) {
            refuse(context, "bool " + (count == 1 ? std::string("value") : "element " + std::to_string(i)) +
                                " is " + std::to_string(bytes[i]) + "; expected 0 or 1");
        }
    }
}

const char *checked_string(const char *s, const std::string &context, const std::string &which) {
    if (s == nullptr) refuse(context, which + " is a null string pointer");
    return s;
}

std::string type_id_text(uint32_t type) { return "value type " + std::to_string(type); }

void put_scalars(ByteSink &sink, gmat_value_type type, const void *values, uint64_t count,
                 const std::string &context) {
    if (type == GMAT_VALUE_BOOL) require_bool_bytes(static_cast<const uint8_t *>(values), count, context);
    sink.put_bytes(values, count * scalar_size(type));
}

} // namespace

std::vector<uint8_t> encode_scalar_kv(const std::string &key, gmat_value_type type, const void *value,
                                      const std::string &context) {
    require_key(key, context);
    if (value == nullptr) refuse(context, "value pointer is null");
    ByteSink sink;
    sink.put_string(key);
    sink.put<uint32_t>(type);
    if (type == GMAT_VALUE_STRING) {
        sink.put_string(checked_string(static_cast<const char *>(value), context, "string value"));
    } else if (scalar_size(type) != 0) {
        put_scalars(sink, type, value, 1, context);
    } else if (type == GMAT_VALUE_ARRAY) {
        refuse(context, "arrays must be set with set_array, not set_value");
    } else {
        refuse(context, "unknown " + type_id_text(type) + " (expected a gmat_value_type 0..12)");
    }
    return sink.take();
}

std::vector<uint8_t> encode_array_kv(const std::string &key, gmat_value_type element_type, const void *elements,
                                     uint64_t count, const std::string &context) {
    require_key(key, context);
    if (elements == nullptr && count != 0) refuse(context, "array of " + std::to_string(count) + " elements is null");
    ByteSink sink;
    sink.put_string(key);
    sink.put<uint32_t>(GMAT_VALUE_ARRAY);
    sink.put<uint32_t>(element_type);
    sink.put<uint64_t>(count);
    if (element_type == GMAT_VALUE_STRING) {
        const auto *strings = static_cast<const char *const *>(elements);
        for (uint64_t i = 0; i < count; ++i)
            sink.put_string(checked_string(strings[i], context, "string element " + std::to_string(i)));
    } else if (scalar_size(element_type) != 0) {
        put_scalars(sink, element_type, elements, count, context);
    } else if (element_type == GMAT_VALUE_ARRAY) {
        refuse(context, "arrays of arrays are not supported");
    } else {
        refuse(context, "unknown array element " + type_id_text(element_type) + " (expected a gmat_value_type 0..12)");
    }
    return sink.take();
}

} // namespace gmat::gguf
