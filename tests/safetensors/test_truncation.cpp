// Short and shrinking files: refused at open, or an error at read, never SIGBUS.
#include "corrupt_input.hpp"
#include "safetensors_fixture.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

namespace gmat::test {
namespace {

SafetensorsFixture small_checkpoint() {
    SafetensorsFixture st;
    st.add_random("a", "F32", {4, 4}, 1).add_random("b", "BF16", {8}, 2);
    return st;
}

TEST(SafetensorsTruncation, EmptyFileIsRefused) {
    TempDir dir;
    SafetensorsFixture::write_bytes(dir / "empty.safetensors", {});
    expect_refused(dir / "empty.safetensors", dir / "empty.safetensors", "file is 0 bytes, shorter than");
}

// Every proper prefix of a valid file loses either header or data bytes.
TEST(SafetensorsTruncation, EveryTruncationOfAValidFileIsRefusedAtOpen) {
    TempDir dir;
    const std::vector<uint8_t> full = small_checkpoint().file_bytes();
    const auto file = dir / "cut.safetensors";
    for (size_t size = 0; size < full.size(); ++size) {
        SCOPED_TRACE("truncated to " + std::to_string(size) + " bytes");
        SafetensorsFixture::write_bytes(file, std::vector<uint8_t>(full.begin(), full.begin() + size));
        const OpenFailure failure = raw_open_failure(file);
        EXPECT_EQ(failure.status, GMAT_ERROR_FORMAT) << failure.message;
        EXPECT_EQ(failure.message.rfind(file.string() + ": ", 0), 0u) << failure.message;
    }
}

TEST(SafetensorsTruncation, TruncatedDataSectionNamesTheTensorAndTheShortfall) {
    TempDir dir;
    std::vector<uint8_t> bytes = small_checkpoint().file_bytes();
    bytes.resize(bytes.size() - 3); // b loses its last 3 bytes
    SafetensorsFixture::write_bytes(dir / "t.safetensors", bytes);
    expect_refused(dir / "t.safetensors", dir / "t.safetensors",
                   "data_offsets [64, 80] reach beyond the end of the data section, which holds 77 bytes", "b");
}

// A file cut short after it was opened: the read fails with an error instead
// of touching pages past the new end of file (which would raise SIGBUS).
TEST(SafetensorsTruncation, FileShrinkingAfterOpenIsAnErrorAtRead) {
    TempDir dir;
    SafetensorsFixture st;
    st.add_random("head", "U8", {100}, 1).add_random("tail", "U8", {3 * 4096}, 2);
    st.write_file(dir / "s.safetensors");
    const SourceReader reader = open_source(dir / "s.safetensors");
    std::filesystem::resize_file(dir / "s.safetensors", 512);
    std::vector<uint8_t> buffer(3 * 4096);
    try {
        reader.read(index_of(reader, "tail"), 0, buffer.size(), buffer.data());
        ADD_FAILURE() << "read past the new end of file succeeded";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("s.safetensors: reading tensor 'tail': the file shrank from"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("to 512 bytes after it was opened"), std::string::npos) << e.what();
    }
    // What still lies inside the file reads fine.
    reader.read(index_of(reader, "head"), 0, 100, buffer.data());
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.begin() + 100, st.tensor("head").bytes.begin()));
}

} // namespace
} // namespace gmat::test
