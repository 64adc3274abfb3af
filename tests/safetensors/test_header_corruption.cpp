// Every rule of the safetensors header, broken one at a time: each must be
// refused with a FORMAT error naming the file, the tensor and the rule.
#include "corrupt_input.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <random>

namespace gmat::test {
namespace {

// One tensor entry as JSON text.
std::string entry(const std::string &name, const std::string &dtype, const std::string &shape,
                  const std::string &offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

class HeaderCorruption : public ::testing::Test {
protected:
    // Writes header + data_bytes zero bytes and expects the open to fail.
    void expect_header_refused(const std::string &header, size_t data_bytes, const std::string &rule,
                               const std::string &tensor = "", int32_t status = GMAT_ERROR_FORMAT) {
        const auto file = dir_ / "corrupt.safetensors";
        SafetensorsFixture::write_raw(file, header, std::vector<uint8_t>(data_bytes));
        expect_refused(file, file, rule, tensor, status);
    }
    void expect_bytes_refused(const std::vector<uint8_t> &bytes, const std::string &rule) {
        const auto file = dir_ / "corrupt.safetensors";
        SafetensorsFixture::write_bytes(file, bytes);
        expect_refused(file, file, rule);
    }
    TempDir dir_;
};

TEST_F(HeaderCorruption, FileShorterThanTheLengthPrefix) {
    expect_bytes_refused({1, 0, 0, 0, 0}, "file is 5 bytes, shorter than the 8-byte header length prefix");
}

TEST_F(HeaderCorruption, HeaderLengthZero) {
    expect_bytes_refused(SafetensorsFixture::raw_file_bytes("", {}), "header length is 0");
}

TEST_F(HeaderCorruption, HeaderLengthAboveTheSaneBound) {
    expect_bytes_refused(SafetensorsFixture::raw_file_bytes("{}", {}, 100'000'001),
                         "header length 100000001 exceeds the limit of 100000000 bytes");
}

TEST_F(HeaderCorruption, HeaderLengthLargerThanTheFile) {
    expect_bytes_refused(SafetensorsFixture::raw_file_bytes("{}", {}, 3),
                         "header length 3 is larger than the 2 bytes after the length prefix");
}

TEST_F(HeaderCorruption, HeaderIsNotJson) {
    expect_header_refused("{\"a\": {\"dtype\": ", 0, "header is not valid JSON");
}

TEST_F(HeaderCorruption, TrailingGarbageAfterTheJsonObject) {
    expect_header_refused("{} x", 0, "header is not valid JSON");
}

TEST_F(HeaderCorruption, HeaderIsNotAnObject) {
    expect_header_refused("[1, 2]", 0, "header must be a JSON object, found array");
}

TEST_F(HeaderCorruption, HeaderIsNotUtf8) {
    expect_header_refused("{\"caf\xE9\":{}}", 0, "header is not valid UTF-8 (byte 5 of the header)");
}

TEST_F(HeaderCorruption, OverlongUtf8IsNotUtf8) {
    expect_header_refused("{\"\xC0\xAF\":{}}", 0, "header is not valid UTF-8");
}

TEST_F(HeaderCorruption, MetadataIsNotAnObject) {
    expect_header_refused(R"({"__metadata__":["pt"]})", 0, "__metadata__ must be an object of string values");
}

TEST_F(HeaderCorruption, MetadataValueIsNotAString) {
    expect_header_refused(R"({"__metadata__":{"format":"pt","step":1000}})", 0,
                          "__metadata__ value of 'step' must be a string, found 1000");
}

TEST_F(HeaderCorruption, EntryIsNotAnObject) {
    expect_header_refused(R"({"w":[0,4]})", 4, "entry must be a JSON object, found a JSON array", "w");
}

TEST_F(HeaderCorruption, MissingField) {
    expect_header_refused(R"({"w":{"dtype":"F32","shape":[1]}})", 4, "missing field 'data_offsets'", "w");
}

TEST_F(HeaderCorruption, ExtraField) {
    expect_header_refused(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}})", 4,
                          "unexpected field 'stride'", "w");
}

TEST_F(HeaderCorruption, FieldGivenTwice) {
    expect_header_refused(R"({"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})", 4,
                          "field 'dtype' appears twice", "w");
}

TEST_F(HeaderCorruption, UnknownDtype) {
    expect_header_refused("{" + entry("w", "F128", "[1]", "[0,16]") + "}", 16, "unknown dtype 'F128' (known: F32, ",
                          "w");
}

// F8_E8M0 (MXFP4 scale bytes as some checkpoints declare them) is one byte a value, like U8.
TEST_F(HeaderCorruption, F8E8M0ByteRangeMustBeOneBytePerValue) {
    expect_header_refused("{" + entry("s", "F8_E8M0", "[3]", "[0,6]") + "}", 6,
                          "data_offsets [0, 6] span 6 bytes but shape [3] of F8_E8M0 needs 3 bytes", "s");
    expect_header_refused("{" + entry("s", "f8_e8m0", "[3]", "[0,3]") + "}", 3, "unknown dtype 'f8_e8m0'", "s");
}

TEST_F(HeaderCorruption, DtypeNamesAreCaseSensitive) {
    expect_header_refused("{" + entry("w", "f32", "[1]", "[0,4]") + "}", 4, "unknown dtype 'f32'", "w");
}

TEST_F(HeaderCorruption, DtypeIsNotAString) {
    expect_header_refused(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4, "dtype must be a string, found 4",
                          "w");
}

TEST_F(HeaderCorruption, ShapeIsNotAnArray) {
    expect_header_refused(R"({"w":{"dtype":"F32","shape":"2x2","data_offsets":[0,16]}})", 16,
                          "shape must be an array of non-negative integers, found a JSON string", "w");
}

TEST_F(HeaderCorruption, NegativeDimension) {
    expect_header_refused("{" + entry("w", "F32", "[2,-3]", "[0,24]") + "}", 24,
                          "shape[1] is -3; dimensions must be non-negative integers", "w");
}

TEST_F(HeaderCorruption, FractionalDimension) {
    expect_header_refused("{" + entry("w", "F32", "[1.5]", "[0,4]") + "}", 4, "shape[0] is 1.5", "w");
}

TEST_F(HeaderCorruption, DimensionBeyond64Bits) {
    expect_header_refused("{" + entry("w", "U8", "[18446744073709551616]", "[0,4]") + "}", 4,
                          "shape[0] is 1.8446744073709552e+19", "w");
}

TEST_F(HeaderCorruption, ShapeTimesDtypeSizeOverflows64Bits) {
    expect_header_refused("{" + entry("w", "F32", "[4294967296,1073741824]", "[0,4]") + "}", 4,
                          "shape [4294967296, 1073741824] of F32 overflows 64 bits", "w");
}

TEST_F(HeaderCorruption, TooManyDimensionsIsUnsupported) {
    expect_header_refused("{" + entry("w", "U8", "[1,1,1,1,1,1,1,1,1]", "[0,1]") + "}", 1,
                          "shape has 9 dimensions; at most 8 are supported", "w", GMAT_ERROR_UNSUPPORTED);
}

TEST_F(HeaderCorruption, DataOffsetsAreNotTwoIntegers) {
    expect_header_refused("{" + entry("w", "F32", "[1]", "[0,4,8]") + "}", 8,
                          "data_offsets must be two non-negative integers [begin, end]", "w");
}

TEST_F(HeaderCorruption, DataOffsetsAreNegative) {
    expect_header_refused("{" + entry("w", "F32", "[1]", "[-4,0]") + "}", 4,
                          "data_offsets must be two non-negative integers", "w");
}

TEST_F(HeaderCorruption, DataOffsetsBeginAfterEnd) {
    expect_header_refused("{" + entry("w", "F32", "[1]", "[8,4]") + "}", 8, "data_offsets [8, 4] has begin > end", "w");
}

TEST_F(HeaderCorruption, ByteRangeDisagreesWithShapeAndDtype) {
    expect_header_refused("{" + entry("w", "F32", "[3]", "[0,8]") + "}", 8,
                          "data_offsets [0, 8] span 8 bytes but shape [3] of F32 needs 12 bytes", "w");
}

TEST_F(HeaderCorruption, OffsetsBeyondTheDataSection) {
    expect_header_refused("{" + entry("w", "F32", "[2]", "[0,8]") + "}", 4,
                          "data_offsets [0, 8] reach beyond the end of the data section, which holds 4 bytes", "w");
}

TEST_F(HeaderCorruption, OverlappingTensors) {
    expect_header_refused("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}", 12,
                          "data_offsets [4, 12] overlap tensor 'a' at [0, 8]", "b");
}

TEST_F(HeaderCorruption, TwoTensorsSharingTheirBytes) {
    expect_header_refused("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[0,8]") + "}", 8,
                          "overlap tensor 'a'", "b");
}

TEST_F(HeaderCorruption, GapBetweenTensors) {
    expect_header_refused("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}", 12,
                          "gap of 4 bytes: bytes [4, 8) of the data section belong to no tensor", "b");
}

TEST_F(HeaderCorruption, GapBeforeTheFirstTensor) {
    expect_header_refused("{" + entry("a", "F32", "[1]", "[4,8]") + "}", 8, "bytes [0, 4) of the data section", "a");
}

TEST_F(HeaderCorruption, UnusedBytesAtTheEndOfTheDataSection) {
    expect_header_refused("{" + entry("a", "F32", "[1]", "[0,4]") + "}", 7,
                          "the data section has 3 unused bytes after the last tensor 'a'");
}

TEST_F(HeaderCorruption, DataWithoutAnyTensor) {
    expect_header_refused(R"({"__metadata__":{}})", 16, "holds 16 bytes but the header lists no tensors");
}

TEST_F(HeaderCorruption, DuplicateTensorName) {
    expect_header_refused("{" + entry("w", "F32", "[1]", "[0,4]") + "," + entry("w", "F32", "[1]", "[4,8]") + "}", 8,
                          "name appears twice in the header", "w");
}

TEST_F(HeaderCorruption, EmptyTensorName) {
    expect_header_refused("{" + entry("", "F32", "[1]", "[0,4]") + "}", 4,
                          "entry #0 of the header has an empty tensor name");
}

TEST_F(HeaderCorruption, NulCharacterInTensorName) {
    expect_header_refused("{" + entry("w\\u0000x", "F32", "[1]", "[0,4]") + "}", 4, "name contains a NUL character",
                          "w");
}

TEST_F(HeaderCorruption, LoneSurrogateInTensorName) {
    expect_header_refused("{" + entry("w\\udc00", "F32", "[1]", "[0,4]") + "}", 4, "not valid UTF-8");
}

// A header nested a million levels deep must not exhaust the stack.
TEST_F(HeaderCorruption, DeeplyNestedHeaderDoesNotOverflowTheStack) {
    const size_t depth = 1'000'000;
    expect_header_refused("{\"w\":" + std::string(depth, '[') + std::string(depth, ']') + "}", 0,
                          "entry must be a JSON object, found a JSON array", "w");
}

// Random byte flips anywhere in a valid file: the reader opens it or refuses
// it, and whatever it opens reads back without crashing.
TEST_F(HeaderCorruption, RandomByteFlipsNeverCrash) {
    SafetensorsFixture st;
    st.metadata("format", "pt")
        .add_random("a", "F16", {3, 4}, 1)
        .add_random("b", "BF16", {5}, 2)
        .add_random("c", "U8", {2, 2}, 3);
    const std::vector<uint8_t> valid = st.file_bytes();
    const auto file = dir_ / "flipped.safetensors";
    std::mt19937 rng(42);
    int refused = 0;
    for (int round = 0; round < 3000; ++round) {
        std::vector<uint8_t> bytes = valid;
        for (int flips = 1 + rng() % 3; flips > 0; --flips) bytes[rng() % bytes.size()] ^= uint8_t(1u << (rng() % 8));
        SafetensorsFixture::write_bytes(file, bytes);
        const OpenFailure failure = raw_open_failure(file);
        if (failure.status == GMAT_OK) {
            const SourceReader reader = open_source(file);
            for (uint64_t i = 0; i < reader.tensors().size(); ++i) read_tensor(reader, i);
        } else {
            ++refused;
            EXPECT_EQ(failure.message.rfind(file.string() + ": ", 0), 0u) << failure.message;
        }
    }
    EXPECT_GT(refused, 1000);
}

} // namespace
} // namespace gmat::test
