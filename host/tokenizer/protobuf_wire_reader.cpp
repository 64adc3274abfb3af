#include "tokenizer/protobuf_wire_reader.hpp"

#include "common/error.hpp"

#include <bit>

namespace gmat {

namespace {

const char *wire_type_name(WireType type) {
    switch (type) {
    case WireType::Varint: return "varint";
    case WireType::Fixed64: return "fixed64";
    case WireType::LengthDelimited: return "length-delimited";
    case WireType::Fixed32: return "fixed32";
    }
    return "unknown";
}

} // namespace

ProtobufWireReader::ProtobufWireReader(std::span<const uint8_t> bytes, std::string file, std::string message,
                                       size_t base_offset)
    : bytes_(bytes), file_(std::move(file)), message_(std::move(message)), base_offset_(base_offset) {}

void ProtobufWireReader::fail(const std::string &what) const {
    throw GmatError(file_ + ": malformed SentencePiece model: " + message_ + ": " + what + " at byte " +
                    std::to_string(base_offset_ + pos_));
}

std::span<const uint8_t> ProtobufWireReader::take(size_t count, const char *what) {
    if (count > bytes_.size() - pos_)
        fail(std::string("truncated ") + what + " (needs " + std::to_string(count) + " bytes, " +
             std::to_string(bytes_.size() - pos_) + " left)");
    auto out = bytes_.subspan(pos_, count);
    pos_ += count;
    return out;
}

uint64_t ProtobufWireReader::read_varint() {
    uint64_t value = 0;
    for (int i = 0; i < 10; ++i) {
        if (pos_ == bytes_.size()) fail("truncated varint");
        const uint8_t byte = bytes_[pos_++];
        // The tenth byte holds only bit 63; anything more overflows 64 bits.
        if (i == 9 && byte > 1) fail("varint longer than 64 bits");
        value |= uint64_t(byte & 0x7f) << (7 * i);
        if ((byte & 0x80) == 0) return value;
    }
    fail("varint longer than 10 bytes");
}

WireField ProtobufWireReader::read_tag() {
    const uint64_t tag = read_varint();
    const uint64_t number = tag >> 3;
    const auto type = static_cast<uint8_t>(tag & 7);
    if (number == 0 || number > 0x1fffffff) fail("invalid field number " + std::to_string(number));
    if (type == 3 || type == 4)
        fail("field " + std::to_string(number) + " uses a group (wire type " + std::to_string(type) +
             "), which SentencePiece models never contain");
    if (type > 5) fail("field " + std::to_string(number) + " has invalid wire type " + std::to_string(type));
    return {static_cast<uint32_t>(number), static_cast<WireType>(type)};
}

float ProtobufWireReader::read_float() {
    const auto raw = take(4, "fixed32");
    uint32_t bits = 0;
    for (int i = 3; i >= 0; --i) bits = (bits << 8) | raw[i]; // little-endian on the wire
    return std::bit_cast<float>(bits);
}

bool ProtobufWireReader::read_bool() { return read_varint() != 0; }

int32_t ProtobufWireReader::read_int32() {
    // int32 is written as the 64-bit sign extension; keep the low 32 bits.
    return static_cast<int32_t>(static_cast<uint32_t>(read_varint()));
}

std::span<const uint8_t> ProtobufWireReader::read_bytes() {
    const uint64_t length = read_varint();
    if (length > bytes_.size() - pos_)
        fail("length-delimited field of " + std::to_string(length) + " bytes runs past the end (" +
             std::to_string(bytes_.size() - pos_) + " bytes left)");
    return take(static_cast<size_t>(length), "length-delimited field");
}

std::string ProtobufWireReader::read_string() {
    const auto raw = read_bytes();
    return {reinterpret_cast<const char *>(raw.data()), raw.size()};
}

ProtobufWireReader ProtobufWireReader::read_message(const std::string &message) {
    const auto raw = read_bytes();
    const size_t start = base_offset_ + pos_ - raw.size();
    return ProtobufWireReader(raw, file_, message, start);
}

void ProtobufWireReader::skip(WireType type) {
    switch (type) {
    case WireType::Varint: read_varint(); return;
    case WireType::Fixed64: take(8, "fixed64"); return;
    case WireType::LengthDelimited: read_bytes(); return;
    case WireType::Fixed32: take(4, "fixed32"); return;
    }
    fail("cannot skip unknown wire type");
}

void ProtobufWireReader::expect(const WireField &field, WireType type, const char *field_name) const {
    if (field.type != type)
        fail(std::string("field ") + field_name + " (" + std::to_string(field.number) + ") has wire type " +
             wire_type_name(field.type) + ", expected " + wire_type_name(type));
}

} // namespace gmat
