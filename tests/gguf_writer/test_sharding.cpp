// Sharded output: llama.cpp's split file names and split.* keys, model
// metadata in the first shard only, each tensor in the shard the host named,
// and every shard a GGUF file llama.cpp accepts on its own.
#include "support/expect_tensors.hpp"
#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"

#include <llama.h>

namespace gmat::test {
namespace {

// The split file name as llama.cpp's loader derives it (split_no is 0-based).
std::string llama_split_name(const std::filesystem::path &prefix, int split_no, int split_count) {
    char name[4096];
    const int32_t length = llama_split_path(name, sizeof name, prefix.c_str(), split_no, split_count);
    if (length == 0) throw std::runtime_error("llama_split_path failed for " + prefix.string());
    return std::filesystem::path(name).filename().string();
}

std::vector<TensorSpec> in_shard(const std::vector<TensorSpec> &tensors, uint32_t shard) {
    std::vector<TensorSpec> selected;
    for (const TensorSpec &t : tensors)
        if (t.shard == shard) selected.push_back(t);
    return selected;
}

void expect_split_keys(const OracleGguf &gguf, uint16_t split_no, uint16_t split_count, int32_t total_tensors) {
    const gguf_context *c = gguf.ctx();
    EXPECT_EQ(gguf_get_val_u16(c, gguf.key("split.no", GGUF_TYPE_UINT16)), split_no);
    EXPECT_EQ(gguf_get_val_u16(c, gguf.key("split.count", GGUF_TYPE_UINT16)), split_count);
    EXPECT_EQ(gguf_get_val_i32(c, gguf.key("split.tensors.count", GGUF_TYPE_INT32)), total_tensors);
}

const std::vector<std::string> kSplitKeys = {"split.no", "split.count", "split.tensors.count"};

using ShardingTest = GgufWriterTest;

TEST_F(ShardingTest, ThreeShardsFollowLlamaSplitConventions) {
    // Interleaved on purpose: data arrives in declaration order across shards.
    const std::vector<TensorSpec> tensors = {
        {"token_embd.weight", GGML_TYPE_F32, {6, 4}, 0}, {"blk.0.attn_q.weight", GGML_TYPE_Q8_0, {64, 2}, 1},
        {"blk.0.attn_norm.weight", GGML_TYPE_F32, {6}, 0}, {"blk.1.attn_q.weight", GGML_TYPE_Q4_0, {32, 5}, 2},
        {"output.weight", GGML_TYPE_F16, {6, 9}, 1}};
    {
        OutputWriter writer = create("model.gguf", 3);
        writer.set("general.architecture", std::string("llama"));
        writer.set("llama.block_count", uint32_t{2});
        writer.set("tokenizer.ggml.tokens", std::vector<std::string>{"a", "b", "c"});
        write_tensors(writer, tensors, 50);
        writer.commit();
    }
    std::vector<std::string> expected_files;
    for (int i = 0; i < 3; ++i) expected_files.push_back(llama_split_name(folder_ / "model", i, 3));
    ASSERT_EQ(expected_files[0], "model-00001-of-00003.gguf");
    EXPECT_EQ(folder_entries(), expected_files) << "exactly the three shards, no temporaries, no model.gguf";

    int64_t tensors_seen = 0;
    for (uint16_t shard = 0; shard < 3; ++shard) {
        SCOPED_TRACE(expected_files[shard]);
        const OracleGguf gguf(path(expected_files[shard]));
        expect_split_keys(gguf, shard, 3, 5);
        expect_tensors_read_back(gguf, in_shard(tensors, shard), 32);
        tensors_seen += gguf_get_n_tensors(gguf.ctx());
        if (shard == 0) {
            EXPECT_STREQ(gguf_get_val_str(gguf.ctx(), gguf.key("general.architecture", GGUF_TYPE_STRING)), "llama");
            EXPECT_EQ(gguf_get_val_u32(gguf.ctx(), gguf.key("llama.block_count", GGUF_TYPE_UINT32)), 2u);
            EXPECT_EQ(gguf.string_array("tokenizer.ggml.tokens"), (std::vector<std::string>{"a", "b", "c"}));
            EXPECT_EQ(gguf.keys().size(), 3u + kSplitKeys.size());
        } else {
            EXPECT_EQ(gguf.keys(), kSplitKeys) << "model metadata belongs in the first shard only";
        }
    }
    EXPECT_EQ(tensors_seen, 5);
}

TEST_F(ShardingTest, ShardWithoutTensorsIsStillAValidFile) {
    const std::vector<TensorSpec> tensors = {{"a", GGML_TYPE_F32, {5}, 0}, {"b", GGML_TYPE_F32, {3}, 2}};
    {
        OutputWriter writer = create("gap.gguf", 3);
        write_tensors(writer, tensors);
        writer.commit();
    }
    const OracleGguf middle(path("gap-00002-of-00003.gguf"));
    expect_split_keys(middle, 1, 3, 2);
    expect_tensors_read_back(middle, {}, 32);
    expect_tensors_read_back(OracleGguf(path("gap-00003-of-00003.gguf")), in_shard(tensors, 2), 32);
}

TEST_F(ShardingTest, ShardsWithoutAnyDataAreWrittenAtCommit) {
    {
        OutputWriter writer = create("meta-only.gguf", 2);
        writer.set("general.name", std::string("no tensors at all"));
        writer.commit();
    }
    EXPECT_EQ(folder_entries(),
              (std::vector<std::string>{"meta-only-00001-of-00002.gguf", "meta-only-00002-of-00002.gguf"}));
    const OracleGguf first(path("meta-only-00001-of-00002.gguf"));
    expect_split_keys(first, 0, 2, 0);
    EXPECT_STREQ(gguf_get_val_str(first.ctx(), first.key("general.name", GGUF_TYPE_STRING)), "no tensors at all");
    expect_split_keys(OracleGguf(path("meta-only-00002-of-00002.gguf")), 1, 2, 0);
}

// The alignment shapes each file's layout, so every shard repeats it.
TEST_F(ShardingTest, CustomAlignmentAppliesToEveryShard) {
    const std::vector<TensorSpec> tensors = {{"a", GGML_TYPE_F32, {5}, 0},
                                             {"b", GGML_TYPE_F16, {3}, 1},
                                             {"c", GGML_TYPE_F32, {9}, 1}};
    {
        OutputWriter writer = create("wide.gguf", 2);
        writer.set("general.alignment", uint32_t{128});
        write_tensors(writer, tensors);
        writer.commit();
    }
    for (uint32_t shard = 0; shard < 2; ++shard) {
        const OracleGguf gguf(path(llama_split_name(folder_ / "wide", static_cast<int>(shard), 2)));
        EXPECT_EQ(gguf_get_val_u32(gguf.ctx(), gguf.key("general.alignment", GGUF_TYPE_UINT32)), 128u);
        expect_tensors_read_back(gguf, in_shard(tensors, shard), 128);
    }
}

TEST_F(ShardingTest, StemWithoutGgufExtensionKeepsItsName) {
    {
        OutputWriter writer = create("plain", 2);
        writer.commit();
    }
    EXPECT_EQ(folder_entries(), (std::vector<std::string>{"plain-00001-of-00002.gguf", "plain-00002-of-00002.gguf"}));
}

} // namespace
} // namespace gmat::test
