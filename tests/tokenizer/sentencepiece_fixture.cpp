#include "sentencepiece_fixture.hpp"

#include <bit>
#include <cstdio>
#include <stdexcept>

namespace gmat::test {

std::string ProtoWriter::encode_varint(uint64_t value) {
    std::string out;
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        if (value) byte |= 0x80;
        out.push_back(static_cast<char>(byte));
    } while (value);
    return out;
}

ProtoWriter &ProtoWriter::varint(uint32_t field, uint64_t value) {
    data_ += encode_varint(uint64_t(field) << 3 | 0) + encode_varint(value);
    return *this;
}

ProtoWriter &ProtoWriter::int32(uint32_t field, int32_t value) {
    return varint(field, static_cast<uint64_t>(static_cast<int64_t>(value)));
}

ProtoWriter &ProtoWriter::fixed32_float(uint32_t field, float value) {
    data_ += encode_varint(uint64_t(field) << 3 | 5);
    const auto bits = std::bit_cast<uint32_t>(value);
    for (int i = 0; i < 4; ++i) data_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    return *this;
}

ProtoWriter &ProtoWriter::bytes(uint32_t field, const std::string &value) {
    data_ += encode_varint(uint64_t(field) << 3 | 2) + encode_varint(value.size()) + value;
    return *this;
}

// "Hello world" is "▁Hello▁world" after the dummy prefix. Merging the best
// scoring adjacent pair each time (llama.cpp and SentencePiece BPE alike):
//   ll(-1)  ▁w(-2)  or(-3)  ▁wor(-4)  ▁H(-5)  ell(-6) [llo(-6.5) is stale]
//   ello(-7)  ▁Hello(-8)  ld(-9)  ▁world(-10)          -> ▁Hello ▁world
// "Hello\nworld!": ▁Hello, then '\n' has no piece -> <0x0A>, "world" without
// ▁ merges or(-3), ld(-9) -> w or ld, and '!' -> <0x21>.
SentencePieceFixture hand_sentencepiece_fixture() {
    SentencePieceFixture fixture;
    fixture.pieces = {{"<unk>", 0.0f, 2}, {"<s>", 0.0f, 3}, {"</s>", 0.0f, 3}};
    for (int byte = 0; byte < 256; ++byte) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", byte);
        fixture.pieces.push_back({name, 0.0f, 6});
    }
    const std::vector<std::pair<std::string, float>> normal = {
        {"ll", -1},           {"\u2581w", -2}, {"or", -3},   {"\u2581wor", -4},   {"\u2581H", -5},
        {"ell", -6},          {"llo", -6.5f},  {"ello", -7}, {"\u2581Hello", -8}, {"ld", -9},
        {"\u2581world", -10}, {"\u2581", -20}, {"H", -21},   {"e", -22},          {"l", -23},
        {"o", -24},           {"w", -25},      {"r", -26},   {"d", -27},
    };
    for (const auto &[text, score] : normal) fixture.pieces.push_back({text, score, 1});
    return fixture;
}

std::string encode_sentencepiece_model(const SentencePieceFixture &fixture) {
    ProtoWriter model;
    for (const FixturePiece &piece : fixture.pieces) {
        ProtoWriter p;
        p.bytes(1, piece.text).fixed32_float(2, piece.score);
        if (piece.type != 1) p.varint(3, piece.type); // NORMAL is the default, as protobuf omits it
        model.message(1, p);
    }
    ProtoWriter trainer;
    trainer.varint(3, fixture.model_type)
        .varint(4, fixture.pieces.size())
        .varint(35, fixture.byte_fallback)
        .int32(40, fixture.unk_id)
        .int32(41, fixture.bos_id)
        .int32(42, fixture.eos_id)
        .int32(43, fixture.pad_id);
    model.message(2, trainer);
    ProtoWriter normalizer;
    normalizer.bytes(1, "identity")
        .varint(3, fixture.add_dummy_prefix)
        .varint(4, 0) // remove_extra_whitespaces: off, so SentencePiece keeps "\n" like llama.cpp
        .varint(5, 1);
    model.message(3, normalizer);
    return model.data();
}

int32_t piece_id(const SentencePieceFixture &fixture, const std::string &text) {
    for (size_t id = 0; id < fixture.pieces.size(); ++id)
        if (fixture.pieces[id].text == text) return static_cast<int32_t>(id);
    throw std::runtime_error("fixture has no piece '" + text + "'");
}

} // namespace gmat::test
