// A bounds-checked reader of the protobuf wire format, enough for
// SentencePiece's ModelProto: varints, fixed32/fixed64, length-delimited
// fields and skipping of unknown fields. Every read past the end or malformed
// encoding throws GmatError naming the file, the message path and the byte
// offset within the file; nothing here can read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace gmat {

enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

struct WireField {
    uint32_t number;
    WireType type;
};

class ProtobufWireReader {
public:
    // file: shown in errors; message: the message path being read
    // ("ModelProto.pieces[3]"); base_offset: where bytes start in the file.
    ProtobufWireReader(std::span<const uint8_t> bytes, std::string file, std::string message, size_t base_offset = 0);

    bool at_end() const { return pos_ == bytes_.size(); }
    WireField read_tag();
    uint64_t read_varint();
    float read_float();                    // fixed32
    bool read_bool();                      // varint 0/1
    int32_t read_int32();                  // varint, negative values sign-extended to 10 bytes
    std::span<const uint8_t> read_bytes(); // length-delimited payload
    std::string read_string();
    // A reader over the next length-delimited field, for a nested message.
    ProtobufWireReader read_message(const std::string &message);
    void skip(WireType type);

    // Throws unless the field has the wire type the schema gives it.
    void expect(const WireField &field, WireType type, const char *field_name) const;
    [[noreturn]] void fail(const std::string &what) const;

private:
    std::span<const uint8_t> take(size_t count, const char *what);

    std::span<const uint8_t> bytes_;
    std::string file_, message_;
    size_t base_offset_;
    size_t pos_ = 0;
};

} // namespace gmat
