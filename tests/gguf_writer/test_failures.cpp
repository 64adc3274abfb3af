// Whatever goes wrong, nothing appears under a final name and no temporary
// file stays behind; before commit only hidden temporaries exist.
#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"

#include "common/error.hpp"

#include <fstream>
#include <iterator>

namespace gmat::test {
namespace {

namespace fs = std::filesystem;

const std::vector<TensorSpec> kTwoShardTensors = {{"first", GGML_TYPE_F32, {16}, 0},
                                                   {"second", GGML_TYPE_F32, {8, 2}, 1}};

bool is_hidden_temporary(const std::string &name) {
    return name.size() > 1 && name[0] == '.' && name.find(".gmat-tmp-") != std::string::npos;
}

using FailureTest = GgufWriterTest;

TEST_F(FailureTest, TooLittleDataAtCommitLeavesNoFile) {
    try {
        OutputWriter writer = create("short.gguf", 2);
        for (const TensorSpec &t : kTwoShardTensors) writer.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
        const std::vector<uint8_t> first = kTwoShardTensors[0].data();
        writer.write_tensor_data(first.data(), first.size()); // shard 1 complete
        const std::vector<uint8_t> second = kTwoShardTensors[1].data();
        writer.write_tensor_data(second.data(), second.size() - 4);
        writer.commit();
        FAIL() << "commit accepted a tensor 4 bytes short";
    } catch (const GmatError &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'second'"), std::string::npos) << message;
        EXPECT_NE(message.find("short-00002-of-00002.gguf"), std::string::npos) << message;
        EXPECT_NE(message.find("received only 60 of its declared 64 bytes"), std::string::npos) << message;
    }
    EXPECT_EQ(folder_entries(), std::vector<std::string>{});
}

TEST_F(FailureTest, ExceptionInTheHostMidwayLeavesNoFile) {
    std::vector<std::string> during;
    try {
        OutputWriter writer = create("midway.gguf", 2);
        for (const TensorSpec &t : kTwoShardTensors) writer.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
        const std::vector<uint8_t> first = kTwoShardTensors[0].data();
        writer.write_tensor_data(first.data(), first.size());
        during = folder_entries();
        throw std::runtime_error("quantization failed");
    } catch (const std::runtime_error &) {
    }
    ASSERT_EQ(during.size(), 2u) << "one temporary per shard while writing";
    for (const std::string &name : during) EXPECT_TRUE(is_hidden_temporary(name)) << name;
    EXPECT_EQ(folder_entries(), std::vector<std::string>{});
}

TEST_F(FailureTest, DestroyingAFullyWrittenWriterWithoutCommitLeavesNoFile) {
    {
        OutputWriter writer = create("uncommitted.gguf");
        write_tensors(writer, {{"only", GGML_TYPE_F32, {16}, 0}});
        EXPECT_FALSE(fs::exists(path("uncommitted.gguf"))) << "final name visible before commit";
    }
    EXPECT_EQ(folder_entries(), std::vector<std::string>{});
}

TEST_F(FailureTest, DiscardRemovesEveryTemporary) {
    OutputWriter writer = create("discarded.gguf", 3);
    writer.set("general.name", std::string("x"));
    EXPECT_EQ(folder_entries().size(), 3u);
    writer.discard();
    EXPECT_EQ(folder_entries(), std::vector<std::string>{});
}

// The second shard cannot take its final name (a folder is in the way), after
// the first already did: the first is taken back, so no shard survives alone.
TEST_F(FailureTest, FailedRenameOfOneShardUnpublishesTheOthers) {
    OutputWriter writer = create("blocked.gguf", 2);
    write_tensors(writer, kTwoShardTensors);
    fs::create_directories(path("blocked-00002-of-00002.gguf") / "occupied");
    EXPECT_THROW(writer.commit(), GmatError);
    EXPECT_EQ(folder_entries(), std::vector<std::string>{"blocked-00002-of-00002.gguf"});
}

// An older set of shards is under the final names and publishing stops
// midway: the first shard, which loaders open, is gone, and no new shard is
// left beside old ones, so nothing loads as a mixture of two exports.
TEST_F(FailureTest, AFailureWhilePublishingNeverLeavesOldAndNewShardsTogether) {
    const std::vector<TensorSpec> tensors = {{"a", GGML_TYPE_F32, {16}, 0}, {"b", GGML_TYPE_F32, {16}, 1},
                                             {"c", GGML_TYPE_F32, {16}, 2}};
    std::ofstream(path("mixed-00001-of-00003.gguf")) << "old first shard";
    std::ofstream(path("mixed-00002-of-00003.gguf")) << "old second shard";
    OutputWriter writer = create("mixed.gguf", 3);
    write_tensors(writer, tensors);
    fs::create_directories(path("mixed-00003-of-00003.gguf") / "occupied");
    EXPECT_THROW(writer.commit(), GmatError);
    EXPECT_FALSE(fs::exists(path("mixed-00001-of-00003.gguf"))) << "an old first shard would load old and new shards";
    for (const std::string &name : folder_entries()) {
        if (!fs::is_regular_file(path(name))) continue;
        std::ifstream in(path(name));
        const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(content.rfind("GGUF", 0), std::string::npos) << name << " is a new shard left beside old ones";
    }
}

TEST_F(FailureTest, MissingFolderIsRefusedClearly) {
    const fs::path target = folder_ / "no-such-folder" / "model.gguf";
    try {
        registry().create_writer("gguf", target, 1);
        FAIL() << "created a writer into a missing folder";
    } catch (const GmatError &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("folder '" + (folder_ / "no-such-folder").string() + "' does not exist"),
                  std::string::npos)
            << message;
    }
    EXPECT_EQ(folder_entries(), std::vector<std::string>{});
}

TEST_F(FailureTest, CommitReplacesAnExistingFile) {
    std::ofstream(path("old.gguf")) << "not a gguf file";
    {
        OutputWriter writer = create("old.gguf");
        writer.set("general.name", std::string("new"));
        writer.commit();
    }
    const OracleGguf gguf(path("old.gguf"));
    EXPECT_STREQ(gguf_get_val_str(gguf.ctx(), gguf.key("general.name", GGUF_TYPE_STRING)), "new");
    EXPECT_EQ(folder_entries(), std::vector<std::string>{"old.gguf"});
}

} // namespace
} // namespace gmat::test
