#include "tokenizer/sentencepiece_model.hpp"

#include "common/error.hpp"
#include "tokenizer/protobuf_wire_reader.hpp"

#include <fstream>
#include <iterator>

namespace gmat {

namespace {

// Field numbers from sentencepiece_model.proto.
namespace field {
constexpr uint32_t model_pieces = 1, model_trainer_spec = 2, model_normalizer_spec = 3;
constexpr uint32_t piece_text = 1, piece_score = 2, piece_type = 3;
constexpr uint32_t trainer_model_type = 3, trainer_byte_fallback = 35, trainer_unk_id = 40, trainer_bos_id = 41,
                   trainer_eos_id = 42, trainer_pad_id = 43;
constexpr uint32_t normalizer_add_dummy_prefix = 3, normalizer_remove_extra_whitespaces = 4;
} // namespace field

SentencePiece parse_piece(ProtobufWireReader reader) {
    SentencePiece piece;
    bool has_text = false;
    while (!reader.at_end()) {
        const WireField f = reader.read_tag();
        if (f.number == field::piece_text) {
            reader.expect(f, WireType::LengthDelimited, "piece");
            piece.text = reader.read_string();
            has_text = true;
        } else if (f.number == field::piece_score) {
            reader.expect(f, WireType::Fixed32, "score");
            piece.score = reader.read_float();
        } else if (f.number == field::piece_type) {
            reader.expect(f, WireType::Varint, "type");
            const uint64_t type = reader.read_varint();
            if (type < 1 || type > 6)
                reader.fail("type " + std::to_string(type) + " is not a SentencePiece type (1 NORMAL .. 6 BYTE)");
            piece.type = static_cast<SentencePieceType>(type);
        } else {
            reader.skip(f.type);
        }
    }
    if (!has_text || piece.text.empty()) reader.fail("piece text is missing or empty");
    return piece;
}

void parse_trainer_spec(ProtobufWireReader reader, SentencePieceModel &model) {
    while (!reader.at_end()) {
        const WireField f = reader.read_tag();
        auto read_id = [&](const char *name, int32_t &id) {
            reader.expect(f, WireType::Varint, name);
            id = reader.read_int32();
        };
        switch (f.number) {
        case field::trainer_model_type: {
            reader.expect(f, WireType::Varint, "model_type");
            const uint64_t type = reader.read_varint();
            if (type < 1 || type > 4) reader.fail("model_type " + std::to_string(type) + " is not 1..4");
            model.algorithm = static_cast<SentencePieceAlgorithm>(type);
            break;
        }
        case field::trainer_byte_fallback:
            reader.expect(f, WireType::Varint, "byte_fallback");
            model.byte_fallback = reader.read_bool();
            break;
        case field::trainer_unk_id: read_id("unk_id", model.unk_id); break;
        case field::trainer_bos_id: read_id("bos_id", model.bos_id); break;
        case field::trainer_eos_id: read_id("eos_id", model.eos_id); break;
        case field::trainer_pad_id: read_id("pad_id", model.pad_id); break;
        default: reader.skip(f.type);
        }
    }
}

void parse_normalizer_spec(ProtobufWireReader reader, SentencePieceModel &model) {
    while (!reader.at_end()) {
        const WireField f = reader.read_tag();
        if (f.number == field::normalizer_add_dummy_prefix) {
            reader.expect(f, WireType::Varint, "add_dummy_prefix");
            model.add_dummy_prefix = reader.read_bool();
        } else if (f.number == field::normalizer_remove_extra_whitespaces) {
            reader.expect(f, WireType::Varint, "remove_extra_whitespaces");
            model.remove_extra_whitespaces = reader.read_bool();
        } else {
            reader.skip(f.type);
        }
    }
}

void check_special_id(const SentencePieceModel &model, const char *name, int32_t id, const std::string &file) {
    if (id < -1 || (id >= 0 && static_cast<size_t>(id) >= model.pieces.size()))
        throw GmatError(file + ": trainer_spec." + name + " = " + std::to_string(id) +
                        " is not a piece id (model has " + std::to_string(model.pieces.size()) +
                        " pieces; -1 means none)");
}

} // namespace

SentencePieceModel parse_sentencepiece_model(std::span<const uint8_t> bytes, const std::string &file) {
    SentencePieceModel model;
    ProtobufWireReader reader(bytes, file, "ModelProto");
    while (!reader.at_end()) {
        const WireField f = reader.read_tag();
        if (f.number == field::model_pieces) {
            reader.expect(f, WireType::LengthDelimited, "pieces");
            const std::string path = "ModelProto.pieces[" + std::to_string(model.pieces.size()) + "]";
            model.pieces.push_back(parse_piece(reader.read_message(path)));
        } else if (f.number == field::model_trainer_spec) {
            reader.expect(f, WireType::LengthDelimited, "trainer_spec");
            parse_trainer_spec(reader.read_message("ModelProto.trainer_spec"), model);
        } else if (f.number == field::model_normalizer_spec) {
            reader.expect(f, WireType::LengthDelimited, "normalizer_spec");
            parse_normalizer_spec(reader.read_message("ModelProto.normalizer_spec"), model);
        } else {
            reader.skip(f.type);
        }
    }
    if (model.pieces.empty()) throw GmatError(file + ": malformed SentencePiece model: ModelProto has no pieces");
    check_special_id(model, "unk_id", model.unk_id, file);
    check_special_id(model, "bos_id", model.bos_id, file);
    check_special_id(model, "eos_id", model.eos_id, file);
    check_special_id(model, "pad_id", model.pad_id, file);
    return model;
}

SentencePieceModel read_sentencepiece_model(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open for reading");
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw GmatError(file.string() + ": read error");
    return parse_sentencepiece_model(bytes, file.string());
}

} // namespace gmat
