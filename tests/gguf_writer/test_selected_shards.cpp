// select_shards (ABI 1.1): one machine's part of a sharded export writes only
// its shards, each byte-identical to the same shard of the full output, and
// nothing else; misuse is refused.
#include "support/gguf_writer_fixture.hpp"

#include <fstream>
#include <iterator>

namespace gmat::test {
namespace {

std::vector<char> bytes_of(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Interleaved shards, as the writer allows; metadata and alignment apply to every shard.
const std::vector<TensorSpec> kTensors = {
    {"token_embd.weight", GGML_TYPE_F32, {6, 4}, 0}, {"blk.0.attn_q.weight", GGML_TYPE_Q8_0, {64, 2}, 1},
    {"blk.0.attn_norm.weight", GGML_TYPE_F32, {6}, 0}, {"blk.1.attn_q.weight", GGML_TYPE_Q4_0, {32, 5}, 2},
    {"output.weight", GGML_TYPE_F16, {6, 9}, 1}, {"output_norm.weight", GGML_TYPE_F32, {6}, 3}};

void write(OutputWriter &writer, const std::vector<uint32_t> *selected) {
    writer.set("general.architecture", std::string("llama"));
    writer.set("general.alignment", uint32_t{64});
    for (const TensorSpec &t : kTensors) writer.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
    if (selected) writer.select_shards(*selected);
    for (const TensorSpec &t : kTensors) {
        if (selected && std::find(selected->begin(), selected->end(), t.shard) == selected->end()) continue;
        const std::vector<uint8_t> data = t.data();
        writer.write_tensor_data(data.data(), data.size());
    }
    writer.commit();
}

using SelectedShardsTest = GgufWriterTest;

TEST_F(SelectedShardsTest, EachSelectedShardEqualsTheFullOutputsAndNothingElseIsWritten) {
    {
        OutputWriter full = create("full.gguf", 4);
        write(full, nullptr);
    }
    const std::vector<uint32_t> selected = {0, 2, 3};
    {
        OutputWriter part = create("part.gguf", 4);
        write(part, &selected);
    }
    EXPECT_EQ(folder_entries(),
              (std::vector<std::string>{"full-00001-of-00004.gguf", "full-00002-of-00004.gguf", "full-00003-of-00004.gguf",
                                        "full-00004-of-00004.gguf", "part-00001-of-00004.gguf", "part-00003-of-00004.gguf",
                                        "part-00004-of-00004.gguf"}))
        << "shard 2 of 4 is another machine's: no file, no temporary";
    for (const char *n : {"00001", "00003", "00004"}) {
        const auto full = bytes_of(path(std::string("full-") + n + "-of-00004.gguf"));
        EXPECT_FALSE(full.empty());
        EXPECT_TRUE(full == bytes_of(path(std::string("part-") + n + "-of-00004.gguf"))) << "shard " << n;
    }
}

TEST_F(SelectedShardsTest, NoShardAtAllWritesNothing) {
    {
        OutputWriter part = create("none.gguf", 3);
        const std::vector<uint32_t> none;
        for (const TensorSpec &t : kTensors)
            if (t.shard < 3) part.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
        part.select_shards(none);
        part.commit();
    }
    EXPECT_TRUE(folder_entries().empty());
}

TEST_F(SelectedShardsTest, MisuseIsRefused) {
    auto error_of = [&](const std::vector<uint32_t> &shards, bool after_data) -> std::string {
        OutputWriter writer = create("bad.gguf", 3);
        writer.add_tensor("a", GGML_TYPE_F32, {4}, 16, 0);
        if (after_data) {
            const std::vector<uint8_t> data(16, 1);
            writer.write_tensor_data(data.data(), data.size());
        }
        try {
            writer.select_shards(shards);
        } catch (const std::exception &e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_NE(error_of({3}, false).find("shard index 3 is out of range (the output has 3 shards"), std::string::npos)
        << error_of({3}, false);
    EXPECT_NE(error_of({1, 1}, false).find("ascending and distinct"), std::string::npos);
    EXPECT_NE(error_of({2, 0}, false).find("ascending and distinct"), std::string::npos);
    EXPECT_NE(error_of({0}, true).find("cannot select shards after tensor data started"), std::string::npos)
        << error_of({0}, true);
}

} // namespace
} // namespace gmat::test
