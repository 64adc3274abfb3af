#include "header.hpp"

#include "data_layout.hpp"
#include "errors.hpp"
#include "header_entries.hpp"
#include "json_text.hpp"

namespace gmat::safetensors {

namespace {

uint64_t read_le64(const uint8_t *bytes) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = value << 8 | bytes[i];
    return value;
}

// Checks the length prefix against the file and returns the header length.
uint64_t checked_header_length(const std::string &file, const uint8_t *bytes, uint64_t file_size) {
    if (file_size < 8)
        format_error(file,
                     "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length prefix");
    const uint64_t length = read_le64(bytes);
    if (length == 0) format_error(file, "header length is 0; the JSON header must not be empty");
    if (length > kMaxHeaderBytes)
        format_error(file, "header length " + std::to_string(length) + " exceeds the limit of " +
                               std::to_string(kMaxHeaderBytes) + " bytes");
    if (length > file_size - 8)
        format_error(file, "header length " + std::to_string(length) + " is larger than the " +
                               std::to_string(file_size - 8) + " bytes after the length prefix (truncated file?)");
    return length;
}

} // namespace

SafetensorsHeader parse_header(const std::string &file, const uint8_t *bytes, uint64_t file_size) {
    const uint64_t length = checked_header_length(file, bytes, file_size);
    rapidjson::Document json;
    parse_json_object(file, "header", {reinterpret_cast<const char *>(bytes) + 8, length}, json);

    SafetensorsHeader header;
    header.data_start = 8 + length;
    header.data_size = file_size - header.data_start;
    header.tensors = read_tensor_entries(file, json);
    order_and_check_layout(file, header.tensors, header.data_size);
    return header;
}

} // namespace gmat::safetensors
