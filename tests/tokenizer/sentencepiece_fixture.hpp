// Hand-encoded SentencePiece tokenizer.model files: a tiny protobuf writer
// and a small BPE vocabulary whose segmentation of the test strings is worked
// out by hand in the comments of sentencepiece_fixture.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::test {

// Appends protobuf wire-format fields to a byte string.
class ProtoWriter {
public:
    ProtoWriter &varint(uint32_t field, uint64_t value);
    ProtoWriter &int32(uint32_t field, int32_t value); // sign-extended, as protobuf writes int32
    ProtoWriter &fixed32_float(uint32_t field, float value);
    ProtoWriter &bytes(uint32_t field, const std::string &value);
    ProtoWriter &message(uint32_t field, const ProtoWriter &nested) { return bytes(field, nested.data()); }
    const std::string &data() const { return data_; }

    static std::string encode_varint(uint64_t value);

private:
    std::string data_;
};

struct FixturePiece {
    std::string text;
    float score;
    int type; // 1 NORMAL, 2 UNKNOWN, 3 CONTROL, 4 USER_DEFINED, 5 UNUSED, 6 BYTE
};

struct SentencePieceFixture {
    std::vector<FixturePiece> pieces;
    int model_type = 2; // BPE
    bool byte_fallback = true;
    int32_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
    bool add_dummy_prefix = true;
};

// <unk> <s> </s>, the 256 byte pieces <0x00>..<0xFF> (ids 3..258), then the
// BPE pieces of hand_sentencepiece_fixture().
SentencePieceFixture hand_sentencepiece_fixture();
std::string encode_sentencepiece_model(const SentencePieceFixture &fixture);

// Id of a piece in the fixture (throws when absent).
int32_t piece_id(const SentencePieceFixture &fixture, const std::string &text);
// "<0x0A>" style byte piece id: 3 + byte.
inline int32_t byte_piece_id(unsigned char byte) { return 3 + byte; }

} // namespace gmat::test
