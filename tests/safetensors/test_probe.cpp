// probe(): how sure the plugin is that a path is a safetensors input.
#include "plugin_under_test.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace gmat::test {
namespace {

int32_t probe(const std::filesystem::path &path) { return raw_reader_api().probe(path.c_str()); }

TEST(SafetensorsProbe, RecognisesFilesIndexesAndShardFolders) {
    TempDir dir;
    SafetensorsFixture st;
    st.add_random("a", "F32", {2}, 1).add_random("b", "F32", {2}, 2);
    st.write_file(dir / "single.safetensors");
    st.write_sharded(dir / "indexed", 2, true);
    st.write_sharded(dir / "plain", 2, false);
    EXPECT_EQ(probe(dir / "single.safetensors"), 100);
    EXPECT_EQ(probe(dir / "indexed"), 100);
    EXPECT_EQ(probe(dir / "indexed" / "model.safetensors.index.json"), 100);
    EXPECT_EQ(probe(dir / "plain"), 100);
    EXPECT_EQ(raw_reader_api().format, std::string("safetensors"));
}

TEST(SafetensorsProbe, SniffsAFileWithoutTheExtension) {
    TempDir dir;
    SafetensorsFixture().add_random("a", "F32", {2}, 1).write_file(dir / "weights.bin");
    EXPECT_EQ(probe(dir / "weights.bin"), 50);
}

TEST(SafetensorsProbe, ScoresZeroForAnythingElse) {
    TempDir dir;
    std::ofstream(dir / "model.gguf") << "GGUF\x03\0\0\0 not ours";
    std::ofstream(dir / "notes.txt") << "hello";
    std::filesystem::create_directories(dir / "empty");
    EXPECT_EQ(probe(dir / "model.gguf"), 0);
    EXPECT_EQ(probe(dir / "notes.txt"), 0);
    EXPECT_EQ(probe(dir / "empty"), 0);
    EXPECT_EQ(probe(dir / "missing.safetensors"), 0);
    EXPECT_EQ(raw_reader_api().probe(nullptr), 0);
}

TEST(SafetensorsProbe, HostRefusesAnInputNoReaderRecognises) {
    TempDir dir;
    std::ofstream(dir / "notes.txt") << "hello";
    EXPECT_THROW(open_source(dir / "notes.txt"), std::exception);
}

} // namespace
} // namespace gmat::test
