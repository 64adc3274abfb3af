// read() gives back the pages it copied (and release() a tensor's), so resident
// memory stays a chunk per thread while a checkpoint larger than RAM streams through.
#include "plugin_under_test.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace gmat::test {
namespace {

// Resident set size of this process, in bytes (from /proc/self/status).
uint64_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            uint64_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        status.ignore(4096, '\n');
    }
    return 0;
}

TEST(SafetensorsRelease, ReadingDropsTheCopiedPagesFromResidentMemory) {
    constexpr uint64_t kMiB = 1 << 20, kTensors = 4, kTensorBytes = 12 * kMiB;
    TempDir dir;
    {
        SafetensorsFixture st;
        for (uint64_t i = 0; i < kTensors; ++i)
            st.add("t" + std::to_string(i), "U8", {kTensorBytes}, std::vector<uint8_t>(kTensorBytes, uint8_t(i + 1)));
        st.write_file(dir / "big.safetensors");
    }
    const SourceReader reader = open_source(dir / "big.safetensors");
    std::vector<uint8_t> chunk(kMiB);
    std::fill(chunk.begin(), chunk.end(), uint8_t(0)); // the buffer itself resident before measuring
    const uint64_t before = resident_bytes();
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < kTensors; ++i)
        for (uint64_t offset = 0; offset < kTensorBytes; offset += kMiB) {
            reader.read(i, offset, kMiB, chunk.data());
            checksum += chunk[0] + chunk[kMiB - 1];
        }
    EXPECT_EQ(checksum, 2 * 12 * (1 + 2 + 3 + 4));
    const uint64_t after = resident_bytes();
    // ~48 MiB went through the mapping; each chunk's pages are given back once
    // copied, so resident memory grows by a few pages at most, not the tensors.
    EXPECT_LT(after, before + 8 * kMiB) << "resident before reading " << before << ", after " << after;

    for (uint64_t i = 0; i < kTensors; ++i) reader.release(i);
    // Read and released tensors still read correctly (the pages come back from the file).
    reader.read(2, kTensorBytes - kMiB, kMiB, chunk.data());
    EXPECT_EQ(chunk[12345], 3);
    reader.read(2, 0, kMiB, chunk.data());
    EXPECT_EQ(chunk[kMiB - 1], 3);
}

} // namespace
} // namespace gmat::test
