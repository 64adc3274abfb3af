// Byte-exact reads: whole tensors, row ranges, bad ranges, many threads.
#include "plugin_under_test.hpp"
#include "safetensors_fixture.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

namespace gmat::test {
namespace {

class SafetensorsReads : public ::testing::Test {
protected:
    void SetUp() override {
        st_.add_random("embed", "BF16", {37, 64}, 1)
            .add_random("proj", "F32", {16, 33}, 2)
            .add_random("norm", "F16", {129}, 3)
            .add_random("bias", "F64", {7}, 4);
        st_.write_sharded(dir_.path(), 2, /*with_index=*/true);
    }
    TempDir dir_;
    SafetensorsFixture st_;
};

TEST_F(SafetensorsReads, WholeTensorsAreByteExact) {
    const SourceReader reader = open_source(dir_.path());
    for (const auto &t : st_.tensors()) EXPECT_EQ(read_tensor(reader, index_of(reader, t.name)), t.bytes) << t.name;
}

TEST_F(SafetensorsReads, RowRangesAreByteExact) {
    const SourceReader reader = open_source(dir_.path());
    const auto &embed = st_.tensor("embed");
    const uint64_t index = index_of(reader, "embed"), row_bytes = 64 * 2;
    for (auto [first, last] : {std::pair<uint64_t, uint64_t>{0, 1}, {5, 17}, {36, 37}, {0, 37}, {20, 20}}) {
        std::vector<uint8_t> rows((last - first) * row_bytes, 0xEE);
        reader.read(index, first * row_bytes, rows.size(), rows.data());
        const std::vector<uint8_t> want(embed.bytes.begin() + first * row_bytes,
                                        embed.bytes.begin() + last * row_bytes);
        EXPECT_EQ(rows, want) << "rows [" << first << ", " << last << ")";
    }
}

TEST_F(SafetensorsReads, ReadOutsideTheTensorIsAnErrorNamingIt) {
    const SourceReader reader = open_source(dir_.path());
    const uint64_t index = index_of(reader, "norm");
    std::vector<uint8_t> buffer(1024);
    for (auto [offset, n] :
         {std::pair<uint64_t, uint64_t>{0, 259}, {258, 2}, {259, 0}, {UINT64_MAX, 2}, {2, UINT64_MAX}}) {
        try {
            reader.read(index, offset, n, buffer.data());
            ADD_FAILURE() << "read at " << offset << " of " << n << " bytes succeeded";
        } catch (const GmatError &e) {
            EXPECT_NE(std::string(e.what()).find("tensor 'norm'"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("outside the tensor's 258 bytes"), std::string::npos) << e.what();
        }
    }
    EXPECT_NO_THROW(reader.read(index, 258, 0, buffer.data()));
}

TEST_F(SafetensorsReads, TensorIndexOutOfRangeIsAnError) {
    const gmat_reader_api &api = raw_reader_api();
    gmat_reader *reader = nullptr;
    ASSERT_EQ(api.open(dir_.path().c_str(), &reader, nullptr), GMAT_OK);
    char text[256] = {};
    gmat_diagnostics diag{text, sizeof text};
    uint8_t byte = 0;
    EXPECT_EQ(api.read(reader, 4, 0, 1, &byte, &diag), GMAT_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(text).find("out of range"), std::string::npos) << text;
    gmat_tensor_info info{};
    info.struct_size = sizeof info;
    EXPECT_EQ(api.tensor_info(reader, 4, &info, &diag), GMAT_ERROR_INVALID_ARGUMENT);
    api.release(reader, 99); // ignored, never crashes
    api.close(reader);
}

// Several threads read random row ranges of every tensor while another keeps
// releasing pages under them; every byte must still come back right.
TEST_F(SafetensorsReads, ConcurrentReadsFromSeveralThreadsAreByteExact) {
    const SourceReader reader = open_source(dir_.path());
    std::atomic<int> mismatches{0};
    std::atomic<bool> reading{true};
    std::thread releaser([&] {
        while (reading)
            for (uint64_t i = 0; i < reader.tensors().size(); ++i) reader.release(i);
    });
    std::vector<std::thread> readers;
    for (unsigned t = 0; t < 4; ++t)
        readers.emplace_back([&, t] {
            std::mt19937 rng(t);
            for (int round = 0; round < 400; ++round) {
                const auto &want = st_.tensors()[rng() % st_.tensors().size()];
                const uint64_t index = index_of(reader, want.name);
                const uint64_t begin = rng() % want.bytes.size();
                const uint64_t n = rng() % (want.bytes.size() - begin + 1);
                std::vector<uint8_t> got(n);
                reader.read(index, begin, n, got.data());
                if (!std::equal(got.begin(), got.end(), want.bytes.begin() + begin)) ++mismatches;
            }
        });
    for (auto &t : readers) t.join();
    reading = false;
    releaser.join();
    EXPECT_EQ(mismatches.load(), 0);
}

} // namespace
} // namespace gmat::test
