// Tensor infos, offsets, alignment and data read back equal through
// llama.cpp's reader, however the host splits the data into calls.
#include "support/expect_tensors.hpp"
#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"
#include "support/raw_writer.hpp"

#include <cstring>

namespace gmat::test {
namespace {

// Sizes chosen so most are not multiples of any alignment: padding matters.
std::vector<TensorSpec> mixed_tensors() {
    return {
        {"token_embd.weight", GGML_TYPE_F32, {3, 5}},          // 60 bytes
        {"blk.0.attn_q.weight", GGML_TYPE_Q4_0, {64, 3}},      // 108 bytes
        {"blk.0.ffn_up.weight", GGML_TYPE_Q8_0, {32, 2, 3}},   // 204 bytes
        {"output_norm.weight", GGML_TYPE_F16, {7}},            // 14 bytes
        {"blk.0.four_dims", GGML_TYPE_F32, {2, 3, 4, 5}},      // 480 bytes
        {"blk.0.aligned", GGML_TYPE_F32, {8}},                 // 32 bytes
    };
}

using TensorLayoutTest = GgufWriterTest;

TEST_F(TensorLayoutTest, InfosOffsetsAndDataReadBackWithDefaultAlignment) {
    const std::vector<TensorSpec> tensors = mixed_tensors();
    {
        OutputWriter writer = create("model.gguf");
        writer.set("general.architecture", std::string("llama"));
        write_tensors(writer, tensors, 13); // many calls per tensor, boundaries inside blocks
        writer.commit();
    }
    const OracleGguf gguf(path("model.gguf"));
    expect_tensors_read_back(gguf, tensors, 32);
    EXPECT_EQ(gguf.tensor_names(), (std::vector<std::string>{"token_embd.weight", "blk.0.attn_q.weight",
                                                             "blk.0.ffn_up.weight", "output_norm.weight",
                                                             "blk.0.four_dims", "blk.0.aligned"}));
    const std::vector<uint8_t> head = gguf.read_bytes(0, 8);
    EXPECT_EQ(std::memcmp(head.data(), "GGUF\x03\x00\x00\x00", 8), 0) << "magic or version 3 missing";
}

class CustomAlignmentTest : public GgufWriterTest, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(CustomAlignmentTest, GeneralAlignmentIsHonoured) {
    const uint32_t alignment = GetParam();
    const std::vector<TensorSpec> tensors = mixed_tensors();
    {
        OutputWriter writer = create("aligned.gguf");
        writer.set("general.alignment", alignment);
        write_tensors(writer, tensors);
        writer.commit();
    }
    const OracleGguf gguf(path("aligned.gguf"));
    EXPECT_EQ(gguf_get_val_u32(gguf.ctx(), gguf.key("general.alignment", GGUF_TYPE_UINT32)), alignment);
    expect_tensors_read_back(gguf, tensors, alignment);
}

INSTANTIATE_TEST_SUITE_P(PowersOfTwo, CustomAlignmentTest, ::testing::Values(1u, 8u, 64u, 4096u));

// Pieces of one byte and pieces larger than the writer's buffer, so both the
// buffered and the direct write paths carry one tensor.
TEST_F(TensorLayoutTest, LargeTensorArrivesInUnevenPieces) {
    const std::vector<TensorSpec> tensors = {{"small.before", GGML_TYPE_F16, {5}},
                                             {"big.weight", GGML_TYPE_F32, {1000, 301}},
                                             {"small.after", GGML_TYPE_F32, {3}}};
    {
        OutputWriter writer = create("pieces.gguf");
        for (const TensorSpec &t : tensors) writer.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
        writer.write_tensor_data(tensors[0].data().data(), tensors[0].n_bytes());
        const std::vector<uint8_t> big = tensors[1].data();
        const uint64_t pieces[] = {1, 700000, 3, 1, 300000};
        uint64_t done = 0;
        for (uint64_t piece : pieces) {
            writer.write_tensor_data(big.data() + done, piece);
            done += piece;
        }
        writer.write_tensor_data(big.data() + done, big.size() - done);
        writer.write_tensor_data(tensors[2].data().data(), tensors[2].n_bytes());
        writer.commit();
    }
    expect_tensors_read_back(OracleGguf(path("pieces.gguf")), tensors, 32);
}

TEST_F(TensorLayoutTest, ZeroByteCallsAndEmptyTensorsAreSkipped) {
    RawWriter writer(path("empty-tensor.gguf"), 1);
    const uint64_t ne_empty[] = {0, 4};
    const uint64_t ne_data[] = {4};
    const float values[] = {1, 2, 3, 4};
    ASSERT_EQ(writer.add_tensor("empty", GGML_TYPE_F32, 2, ne_empty, 0, 0), GMAT_OK) << writer.message();
    ASSERT_EQ(writer.add_tensor("data", GGML_TYPE_F32, 1, ne_data, sizeof values, 0), GMAT_OK) << writer.message();
    ASSERT_EQ(writer.write_tensor_data(values, 0), GMAT_OK) << writer.message();
    ASSERT_EQ(writer.write_tensor_data(values, sizeof values), GMAT_OK) << writer.message();
    ASSERT_EQ(writer.commit(), GMAT_OK) << writer.message();
    const OracleGguf gguf(path("empty-tensor.gguf"));
    EXPECT_EQ(gguf_get_tensor_offset(gguf.ctx(), gguf.tensor("empty")), 0u);
    EXPECT_EQ(gguf_get_tensor_offset(gguf.ctx(), gguf.tensor("data")), 0u);
    const std::vector<uint8_t> back = gguf.tensor_data("data");
    ASSERT_EQ(back.size(), sizeof values);
    EXPECT_EQ(std::memcmp(back.data(), values, sizeof values), 0);
}

} // namespace
} // namespace gmat::test
