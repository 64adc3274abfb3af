#include "common/error.hpp"
#include "metadata/metadata.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/sentencepiece_model.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <gtest/gtest.h>

#include <random>

namespace gmat {
namespace {

std::span<const uint8_t> as_bytes(const std::string &s) {
    return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}

std::string parse_error(const std::string &bytes) {
    try {
        parse_sentencepiece_model(as_bytes(bytes), "tokenizer.model");
    } catch (const GmatError &e) {
        return e.what();
    }
    return "";
}

TEST(SentencePieceModel, ParsesTheHandEncodedFixture) {
    const test::SentencePieceFixture fixture = test::hand_sentencepiece_fixture();
    const SentencePieceModel model =
        parse_sentencepiece_model(as_bytes(test::encode_sentencepiece_model(fixture)), "tokenizer.model");
    ASSERT_EQ(model.pieces.size(), fixture.pieces.size());
    for (size_t i = 0; i < fixture.pieces.size(); ++i) {
        EXPECT_EQ(model.pieces[i].text, fixture.pieces[i].text) << i;
        EXPECT_EQ(model.pieces[i].score, fixture.pieces[i].score) << i;
        EXPECT_EQ(static_cast<int>(model.pieces[i].type), fixture.pieces[i].type) << i;
    }
    EXPECT_EQ(model.algorithm, SentencePieceAlgorithm::Bpe);
    EXPECT_TRUE(model.byte_fallback);
    EXPECT_EQ(model.unk_id, 0);
    EXPECT_EQ(model.bos_id, 1);
    EXPECT_EQ(model.eos_id, 2);
    EXPECT_EQ(model.pad_id, -1);
    EXPECT_TRUE(model.add_dummy_prefix);
    EXPECT_FALSE(model.remove_extra_whitespaces);
}

TEST(SentencePieceModel, UsesProtoDefaultsWhenSpecsAreAbsent) {
    test::ProtoWriter piece;
    piece.bytes(1, "a").fixed32_float(2, -1.0f);
    test::ProtoWriter model_proto;
    model_proto.message(1, piece).message(1, piece).message(1, piece);
    const SentencePieceModel model = parse_sentencepiece_model(as_bytes(model_proto.data()), "m");
    EXPECT_EQ(model.algorithm, SentencePieceAlgorithm::Unigram);
    EXPECT_EQ(model.pieces[0].type, SentencePieceType::Normal);
    EXPECT_EQ(model.bos_id, 1);
    EXPECT_TRUE(model.add_dummy_prefix);
}

TEST(SentencePieceModel, SkipsUnknownFields) {
    test::SentencePieceFixture fixture = test::hand_sentencepiece_fixture();
    std::string bytes = test::encode_sentencepiece_model(fixture);
    bytes += test::ProtoWriter().bytes(4, "self test data").varint(250, 7).fixed32_float(251, 2.0f).data();
    EXPECT_EQ(parse_sentencepiece_model(as_bytes(bytes), "m").pieces.size(), fixture.pieces.size());
}

TEST(SentencePieceModel, EveryTruncationIsAnErrorOrAValidPrefixNeverACrash) {
    const std::string bytes = test::encode_sentencepiece_model(test::hand_sentencepiece_fixture());
    size_t errors = 0;
    for (size_t length = 0; length < bytes.size(); ++length) {
        try {
            parse_sentencepiece_model(as_bytes(bytes.substr(0, length)), "tokenizer.model");
        } catch (const GmatError &) {
            ++errors;
        }
    }
    // Only cuts that end exactly on a field boundary after enough pieces parse.
    EXPECT_GT(errors, bytes.size() * 9 / 10);
}

TEST(SentencePieceModel, RandomCorruptionOnlyEverThrowsGmatError) {
    const std::string original = test::encode_sentencepiece_model(test::hand_sentencepiece_fixture());
    std::mt19937 rng(1234);
    for (int round = 0; round < 3000; ++round) {
        std::string bytes = original;
        for (int flips = 1 + round % 4; flips > 0; --flips)
            bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
        try {
            parse_sentencepiece_model(as_bytes(bytes), "tokenizer.model");
        } catch (const GmatError &) {}
    }
}

TEST(SentencePieceModel, RejectsAnUnknownPieceType) {
    test::ProtoWriter piece;
    piece.bytes(1, "a").varint(3, 9);
    const std::string message = parse_error(test::ProtoWriter().message(1, piece).data());
    EXPECT_NE(message.find("ModelProto.pieces[0]"), std::string::npos) << message;
    EXPECT_NE(message.find("type 9"), std::string::npos) << message;
}

TEST(SentencePieceModel, RejectsAnEmptyPiece) {
    test::ProtoWriter piece;
    piece.fixed32_float(2, 0.0f);
    EXPECT_NE(parse_error(test::ProtoWriter().message(1, piece).data()).find("empty"), std::string::npos);
}

TEST(SentencePieceModel, RejectsSpecialIdsOutsideThePieces) {
    test::SentencePieceFixture fixture = test::hand_sentencepiece_fixture();
    fixture.bos_id = 5000;
    const std::string message = parse_error(test::encode_sentencepiece_model(fixture));
    EXPECT_NE(message.find("trainer_spec.bos_id = 5000"), std::string::npos) << message;
}

TEST(SentencePieceModel, RejectsAModelWithoutPieces) {
    EXPECT_NE(parse_error("").find("no pieces"), std::string::npos);
}

TEST(SentencePieceModel, ATruncatedFileFailsTheWholeConversionWithTheFileName) {
    test::TestFolder folder;
    const std::string bytes = test::encode_sentencepiece_model(test::hand_sentencepiece_fixture());
    folder.write("tokenizer.model", bytes.substr(0, bytes.size() / 2));
    Metadata out;
    try {
        append_tokenizer_metadata(folder.path(), {}, out);
        FAIL() << "expected an error";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer.model: malformed SentencePiece model"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(out.size(), 0u);
}

} // namespace
} // namespace gmat
