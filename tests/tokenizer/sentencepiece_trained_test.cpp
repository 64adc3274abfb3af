// The strongest check: a real SentencePiece BPE model trained here with
// Debian's libsentencepiece, converted, and loaded by llama.cpp, which must
// produce exactly the ids SentencePiece's own encoder produces.
#include "llama_vocab_oracle.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/sentencepiece_model.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <gtest/gtest.h>

#include <random>

namespace gmat {
namespace {

// A deterministic corpus of short English-like sentences.
std::string make_corpus() {
    const std::vector<std::string> words = {
        "the",    "quick",   "brown",    "fox",       "jumps",    "over",     "lazy",         "dog",
        "hello",  "world",   "token",    "tokenizer", "model",    "llama",    "piece",        "sentence",
        "merge",  "byte",    "fallback", "space",     "prefix",   "there",    "their",        "other",
        "mother", "brother", "weather",  "whether",   "together", "quantize", "quantization", "tensor"};
    std::mt19937 rng(42);
    std::string corpus;
    for (int line = 0; line < 400; ++line) {
        const int length = 4 + static_cast<int>(rng() % 8);
        for (int w = 0; w < length; ++w) {
            std::string word = words[rng() % words.size()];
            if (w == 0) word[0] = static_cast<char>(std::toupper(word[0]));
            corpus += (w ? " " : "") + word;
        }
        corpus += line % 3 ? ".\n" : ", then 42 more.\n";
    }
    return corpus;
}

class TrainedSentencePiece : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new test::TestFolder();
        folder_->write("corpus.txt", make_corpus());
        const std::string prefix = (folder_->path() / "spm").string();
        const auto status = sentencepiece::SentencePieceTrainer::Train(
            "--input=" + (folder_->path() / "corpus.txt").string() + " --model_prefix=" + prefix +
            " --model_type=bpe --vocab_size=420 --byte_fallback=true --character_coverage=1.0"
            " --normalization_rule_name=identity --remove_extra_whitespaces=false --num_threads=1"
            " --control_symbols=<|im_end|> --hard_vocab_limit=false --minloglevel=2");
        ASSERT_TRUE(status.ok()) << status.ToString();
        std::filesystem::copy_file(prefix + ".model", folder_->path() / "tokenizer.model");
    }
    static void TearDownTestSuite() {
        delete folder_;
        folder_ = nullptr;
    }
    void SetUp() override {
        ASSERT_NE(folder_, nullptr);
        const auto status = processor.Load((folder_->path() / "tokenizer.model").string());
        ASSERT_TRUE(status.ok()) << status.ToString();
    }

    static test::TestFolder *folder_;
    sentencepiece::SentencePieceProcessor processor;
};

test::TestFolder *TrainedSentencePiece::folder_ = nullptr;

TEST_F(TrainedSentencePiece, ParserAgreesWithSentencePieceOnEveryPiece) {
    const SentencePieceModel model = read_sentencepiece_model(folder_->path() / "tokenizer.model");
    ASSERT_EQ(static_cast<int>(model.pieces.size()), processor.GetPieceSize());
    for (int id = 0; id < processor.GetPieceSize(); ++id) {
        const SentencePiece &piece = model.pieces[id];
        EXPECT_EQ(piece.text, processor.IdToPiece(id)) << id;
        EXPECT_EQ(piece.score, processor.GetScore(id)) << id;
        EXPECT_EQ(piece.type == SentencePieceType::Control, processor.IsControl(id)) << id;
        EXPECT_EQ(piece.type == SentencePieceType::Unknown, processor.IsUnknown(id)) << id;
        EXPECT_EQ(piece.type == SentencePieceType::Byte, processor.IsByte(id)) << id;
        EXPECT_EQ(piece.type == SentencePieceType::Unused, processor.IsUnused(id)) << id;
    }
    EXPECT_EQ(model.unk_id, processor.unk_id());
    EXPECT_EQ(model.bos_id, processor.bos_id());
    EXPECT_EQ(model.eos_id, processor.eos_id());
    EXPECT_EQ(model.pad_id, processor.pad_id());
    EXPECT_EQ(model.algorithm, SentencePieceAlgorithm::Bpe);
    EXPECT_TRUE(model.byte_fallback);
}

TEST_F(TrainedSentencePiece, LlamaCppTokenizesExactlyLikeSentencePiece) {
    Metadata out;
    append_tokenizer_metadata(folder_->path(), {}, out);
    const auto oracle = test::load_oracle(out, folder_->path());
    ASSERT_EQ(oracle->n_tokens(), processor.GetPieceSize());
    EXPECT_EQ(oracle->bos(), processor.bos_id());
    EXPECT_EQ(oracle->eos(), processor.eos_id());
    EXPECT_TRUE(oracle->add_bos());

    const std::vector<std::string> texts = {
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        "Tokenizer quantization together, then 42 more.",
        "unseen words: zebra xylophone",
        "caf\xC3\xA9 na\xC3\xAFve \xF0\x9F\xA6\x99 emoji",
        "two  spaces and a\nnewline",
        "Their mother's brother whether weather",
    };
    for (const std::string &text : texts) {
        std::vector<int> expected;
        ASSERT_TRUE(processor.Encode(text, &expected).ok());
        const std::vector<int32_t> ids = oracle->tokenize(text, false);
        EXPECT_EQ(ids, std::vector<int32_t>(expected.begin(), expected.end())) << text;
        EXPECT_EQ(oracle->detokenize(ids), processor.DecodeIds(expected)) << text;

        std::vector<int32_t> with_bos{processor.bos_id()};
        with_bos.insert(with_bos.end(), expected.begin(), expected.end());
        EXPECT_EQ(oracle->tokenize(text, true), with_bos) << text;
    }
}

TEST_F(TrainedSentencePiece, ControlSymbolStaysControl) {
    Metadata out;
    append_tokenizer_metadata(folder_->path(), {}, out);
    const int id = processor.PieceToId("<|im_end|>");
    ASSERT_TRUE(processor.IsControl(id));
    EXPECT_EQ((*out.get<std::vector<int32_t>>("tokenizer.ggml.token_type"))[id], 3);
    const auto oracle = test::load_oracle(out, folder_->path());
    EXPECT_EQ(oracle->tokenize("<|im_end|>", false, true), std::vector<int32_t>{id});
}

// The hand-encoded fixture is a valid model for SentencePiece itself, and its
// encoder agrees with the segmentation worked out by hand.
TEST(HandSentencePieceFixture, SentencePieceEncodesItAsWorkedOutByHand) {
    const test::SentencePieceFixture fixture = test::hand_sentencepiece_fixture();
    sentencepiece::SentencePieceProcessor processor;
    const auto status = processor.LoadFromSerializedProto(test::encode_sentencepiece_model(fixture));
    ASSERT_TRUE(status.ok()) << status.ToString();
    std::vector<int> ids;
    ASSERT_TRUE(processor.Encode("Hello world", &ids).ok());
    EXPECT_EQ(ids, (std::vector<int>{test::piece_id(fixture, "\u2581Hello"), test::piece_id(fixture, "\u2581world")}));
    ASSERT_TRUE(processor.Encode("Hello\nworld!", &ids).ok());
    EXPECT_EQ(ids, (std::vector<int>{test::piece_id(fixture, "\u2581Hello"), test::byte_piece_id('\n'),
                                     test::piece_id(fixture, "w"), test::piece_id(fixture, "or"),
                                     test::piece_id(fixture, "ld"), test::byte_piece_id('!')}));
}

} // namespace
} // namespace gmat
