#include "common/error.hpp"
#include "sentencepiece_fixture.hpp"
#include "tokenizer/protobuf_wire_reader.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

std::span<const uint8_t> as_bytes(const std::string &s) {
    return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}

std::string error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const GmatError &e) {
        return e.what();
    }
    return "";
}

TEST(ProtobufWireReader, ReadsVarintsOfEveryLength) {
    for (uint64_t value : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 35, ~0ull}) {
        const std::string bytes = test::ProtoWriter::encode_varint(value);
        ProtobufWireReader reader(as_bytes(bytes), "f", "M");
        EXPECT_EQ(reader.read_varint(), value);
        EXPECT_TRUE(reader.at_end());
    }
}

TEST(ProtobufWireReader, NegativeInt32IsSignExtendedToTenBytes) {
    const std::string bytes = test::ProtoWriter().int32(43, -1).data();
    EXPECT_EQ(bytes.size(), 2u + 10u); // two-byte tag (field 43), ten-byte value
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    const WireField field = reader.read_tag();
    EXPECT_EQ(field.number, 43u);
    EXPECT_EQ(field.type, WireType::Varint);
    EXPECT_EQ(reader.read_int32(), -1);
}

TEST(ProtobufWireReader, ReadsFloatStringAndNestedMessage) {
    test::ProtoWriter inner;
    inner.bytes(1, "piece").fixed32_float(2, -2.5f);
    const std::string bytes = test::ProtoWriter().message(7, inner).data();
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    ASSERT_EQ(reader.read_tag().number, 7u);
    ProtobufWireReader nested = reader.read_message("M.inner");
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(nested.read_tag().number, 1u);
    EXPECT_EQ(nested.read_string(), "piece");
    EXPECT_EQ(nested.read_tag().type, WireType::Fixed32);
    EXPECT_EQ(nested.read_float(), -2.5f);
    EXPECT_TRUE(nested.at_end());
}

TEST(ProtobufWireReader, SkipsEveryWireType) {
    std::string bytes = test::ProtoWriter().varint(1, 12345).bytes(2, "xyz").fixed32_float(3, 1.0f).data();
    bytes += test::ProtoWriter::encode_varint(4 << 3 | 1) + std::string(8, '\x01'); // fixed64
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    int fields = 0;
    while (!reader.at_end()) {
        reader.skip(reader.read_tag().type);
        ++fields;
    }
    EXPECT_EQ(fields, 4);
}

TEST(ProtobufWireReader, TruncatedVarintNamesFileMessageAndOffset) {
    const std::string bytes = "\x08\xff\xff"; // field 1 varint whose value never ends
    ProtobufWireReader reader(as_bytes(bytes), "dir/tokenizer.model", "ModelProto.trainer_spec", 100);
    reader.read_tag();
    const std::string message = error_of([&] { reader.read_varint(); });
    EXPECT_NE(message.find("dir/tokenizer.model"), std::string::npos) << message;
    EXPECT_NE(message.find("ModelProto.trainer_spec"), std::string::npos) << message;
    EXPECT_NE(message.find("truncated varint"), std::string::npos) << message;
    EXPECT_NE(message.find("byte 103"), std::string::npos) << message;
}

TEST(ProtobufWireReader, RejectsOverlongVarint) {
    const std::string bytes(11, '\xff');
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    EXPECT_NE(error_of([&] { reader.read_varint(); }).find("longer than 64 bits"), std::string::npos);
}

TEST(ProtobufWireReader, LengthPastTheEndIsAnError) {
    const std::string bytes = "\x0a\x05"
                              "abc"; // claims 5 bytes, has 3
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    reader.read_tag();
    EXPECT_NE(error_of([&] { reader.read_bytes(); }).find("runs past the end"), std::string::npos);
}

TEST(ProtobufWireReader, HugeLengthDoesNotOverflowTheBoundsCheck) {
    const std::string bytes = "\x0a" + test::ProtoWriter::encode_varint(~0ull);
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    reader.read_tag();
    EXPECT_NE(error_of([&] { reader.read_bytes(); }).find("runs past the end"), std::string::npos);
}

TEST(ProtobufWireReader, RejectsGroupsInvalidWireTypesAndFieldZero) {
    for (const char *bytes : {"\x0b", "\x0c", "\x0e", "\x0f", "\x00"}) {
        const std::string data(bytes, 1);
        ProtobufWireReader reader(as_bytes(data), "f", "M");
        EXPECT_FALSE(error_of([&] { reader.read_tag(); }).empty()) << int(bytes[0]);
    }
}

TEST(ProtobufWireReader, ExpectNamesTheFieldAndBothWireTypes) {
    const std::string bytes = test::ProtoWriter().varint(1, 5).data();
    ProtobufWireReader reader(as_bytes(bytes), "f", "M");
    const WireField field = reader.read_tag();
    const std::string message = error_of([&] { reader.expect(field, WireType::LengthDelimited, "piece"); });
    EXPECT_NE(message.find("piece"), std::string::npos) << message;
    EXPECT_NE(message.find("varint"), std::string::npos) << message;
    EXPECT_NE(message.find("length-delimited"), std::string::npos) << message;
}

} // namespace
} // namespace gmat
