// release() gives a tensor's pages back, so resident memory stays low while
// a checkpoint larger than RAM streams through.
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

TEST(SafetensorsRelease, ReleasingTensorsDropsTheirPagesFromResidentMemory) {
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
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < kTensors; ++i)
        for (uint64_t offset = 0; offset < kTensorBytes; offset += kMiB) {
            reader.read(i, offset, kMiB, chunk.data());
            checksum += chunk[0] + chunk[kMiB - 1];
        }
    EXPECT_EQ(checksum, 2 * 12 * (1 + 2 + 3 + 4));

    const uint64_t before = resident_bytes();
    for (uint64_t i = 0; i < kTensors; ++i) reader.release(i);
    const uint64_t after = resident_bytes();
    // Reading mapped ~48 MiB in; releasing must give most of it back.
    EXPECT_LT(after + 40 * kMiB, before) << "resident before release " << before << ", after " << after;

    // Released tensors still read correctly (the pages come back from the file).
    reader.read(2, kTensorBytes - kMiB, kMiB, chunk.data());
    EXPECT_EQ(chunk[12345], 3);
}

} // namespace
} // namespace gmat::test
