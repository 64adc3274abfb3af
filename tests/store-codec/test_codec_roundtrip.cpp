// zstd byte-plane tensor files decode bit-exactly: every dtype size, sizes
// around the chunk size, incompressible data, reads at any offset from many
// threads.
#include "codec_test_files.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"

#include <fstream>
#include <random>
#include <thread>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

struct RoundTripCase {
    gmat_dtype dtype;
    uint64_t n_elements;
};

std::string case_name(const ::testing::TestParamInfo<RoundTripCase> &info) {
    return std::string(dtype_name(info.param.dtype)) + "_" + std::to_string(info.param.n_elements);
}

// Floats as Gaussian weights; integer types as small counts (compressible).
std::vector<uint8_t> payload_for(gmat_dtype dtype, uint64_t n) {
    if (is_float_weight_dtype(dtype)) return gaussian_payload(dtype, n, 11);
    const size_t s = dtype_size(dtype);
    std::vector<uint8_t> out(n * s, 0);
    for (uint64_t i = 0; i < n; ++i) out[i * s] = static_cast<uint8_t>((i * 7) % 100);
    return out;
}

class RoundTrip : public CodecTest, public ::testing::WithParamInterface<RoundTripCase> {};

TEST_P(RoundTrip, DecodesBitExactly) {
    const auto [dtype, n] = GetParam();
    const std::vector<uint8_t> payload = payload_for(dtype, n);
    const fs::path file = write("t.gmat", dtype, payload, zstd_options(4096), 999);
    TensorFileReader r(file, "uuid-1");
    EXPECT_EQ(r.header().encoding, TensorEncoding::zstd_planes);
    EXPECT_EQ(r.header().payload_bytes, payload.size());
    EXPECT_EQ(read_all(r), payload);
    EXPECT_NO_THROW(r.verify());
    PayloadVerifier v(r);
    v.update(0, payload.size() / 2);
    v.update(payload.size() / 2, payload.size() - payload.size() / 2);
    EXPECT_NO_THROW(v.finish());
    if (payload.size() >= 4096) {
        EXPECT_LT(r.stored_payload_bytes(), payload.size()) << "nothing gained";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Dtypes, RoundTrip,
    ::testing::Values(RoundTripCase{GMAT_DTYPE_BF16, 0}, RoundTripCase{GMAT_DTYPE_BF16, 1},
                      RoundTripCase{GMAT_DTYPE_BF16, 2048}, RoundTripCase{GMAT_DTYPE_BF16, 3 * 2048 + 17},
                      RoundTripCase{GMAT_DTYPE_F16, 1}, RoundTripCase{GMAT_DTYPE_F16, 5 * 2048 - 1},
                      RoundTripCase{GMAT_DTYPE_F32, 1}, RoundTripCase{GMAT_DTYPE_F32, 1024},
                      RoundTripCase{GMAT_DTYPE_F32, 4 * 1024 + 3}, RoundTripCase{GMAT_DTYPE_I8, 4096 * 2 + 1},
                      RoundTripCase{GMAT_DTYPE_U8, 0}, RoundTripCase{GMAT_DTYPE_I16, 3000},
                      RoundTripCase{GMAT_DTYPE_I32, 5000}, RoundTripCase{GMAT_DTYPE_I64, 1},
                      RoundTripCase{GMAT_DTYPE_I64, 1500}, RoundTripCase{GMAT_DTYPE_F64, 777}),
    case_name);

TEST_F(CodecTest, DefaultChunksRoundTripAFewMegabytes) {
    const std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_BF16, (3 << 19) + 12345, 3);
    TensorWriteOptions options;
    options.encoding = TensorEncoding::zstd_planes;
    const fs::path file = write("t.gmat", GMAT_DTYPE_BF16, payload, options, 1 << 20);
    TensorFileReader r(file, "uuid-1");
    EXPECT_EQ(r.header().chunk_bytes, kDefaultChunkBytes);
    EXPECT_EQ(read_all(r), payload);
    EXPECT_LT(r.stored_payload_bytes(), payload.size() * 0.8);
}

TEST_F(CodecTest, IncompressibleChunksAreStoredAsTheyAre) {
    const std::vector<uint8_t> payload = random_bytes(4096 * 5 + 64, 5);
    const fs::path file = write("t.gmat", GMAT_DTYPE_F32, payload, zstd_options(4096));
    TensorFileReader r(file, "uuid-1");
    // Six chunks, each kept raw: the stored payload is the bytes plus the index.
    EXPECT_EQ(r.stored_payload_bytes(), payload.size() + 6 * kChunkIndexEntryBytes);
    EXPECT_EQ(read_all(r), payload);
    EXPECT_NO_THROW(r.verify());
}

TEST_F(CodecTest, ChunkCodingIsChosenPerChunk) {
    std::vector<uint8_t> payload = random_bytes(4096 * 4, 6);
    std::fill(payload.begin() + 4096, payload.begin() + 3 * 4096, 0); // two compressible chunks
    const fs::path file = write("t.gmat", GMAT_DTYPE_BF16, payload, zstd_options(4096));
    TensorFileReader r(file, "uuid-1");
    EXPECT_LT(r.stored_payload_bytes(), 2 * 4096 + 4 * kChunkIndexEntryBytes + 200);
    EXPECT_GT(r.stored_payload_bytes(), 2 * 4096);
    EXPECT_EQ(read_all(r), payload);
}

TEST_F(CodecTest, ReadsAtRandomOffsetsFromManyThreadsEqualTheBytes) {
    const std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_F16, 40000, 8);
    const fs::path file = write("t.gmat", GMAT_DTYPE_F16, payload, zstd_options(2048));
    const TensorFileReader r(file, "uuid-1");
    std::vector<std::thread> threads;
    std::vector<int> mismatches(8, 0);
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(t);
            std::vector<uint8_t> got;
            for (int i = 0; i < 400; ++i) {
                const uint64_t offset = rng() % payload.size();
                const uint64_t n = rng() % std::min<uint64_t>(payload.size() - offset + 1, i % 3 ? 300 : 9000);
                got.resize(n);
                r.read(offset, n, got.data());
                mismatches[t] += !std::equal(got.begin(), got.end(), payload.begin() + offset);
            }
        });
    for (auto &t : threads) t.join();
    for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST_F(CodecTest, RawFilesStayVersionOneAndEncodedFilesRefusePayloadPointers) {
    const std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_BF16, 100, 1);
    const fs::path raw = write("raw.gmat", GMAT_DTYPE_BF16, payload, {});
    const fs::path zstd = write("zstd.gmat", GMAT_DTYPE_BF16, payload, zstd_options());
    std::ifstream in(raw, std::ios::binary);
    char header[12];
    in.read(header, 12);
    EXPECT_EQ(header[8], 1) << "raw tensors keep format version 1";
    TensorFileReader r(raw, "u"), z(zstd, "u");
    EXPECT_EQ(std::vector<uint8_t>(r.payload(), r.payload() + payload.size()), payload);
    EXPECT_EQ(read_all(r), payload);
    EXPECT_EQ(r.stored_payload_bytes(), payload.size());
    EXPECT_EQ(z.header().payload_checksum, r.header().payload_checksum) << "checksums describe the logical bytes";
    try {
        (void)z.payload();
        FAIL() << "payload() of an encoded file";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("model.layers.0.mlp.up_proj.weight"), std::string::npos) << e.what();
    }
}

TEST_F(CodecTest, ChunkSizeMustHoldWholeElements) {
    const std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_F32, 100, 1);
    EXPECT_THROW(write("t.gmat", GMAT_DTYPE_F32, payload, zstd_options(4098)), GmatError);
    EXPECT_THROW(write("t.gmat", GMAT_DTYPE_F32, payload, zstd_options(0)), GmatError);
    EXPECT_FALSE(fs::exists(dir_ / "t.gmat"));
}

TEST(BlockFormat, NamesMapToEncodings) {
    EXPECT_EQ(tensor_encoding_for_block_format("raw"), TensorEncoding::raw);
    EXPECT_EQ(tensor_encoding_for_block_format("zstd"), TensorEncoding::zstd_planes);
    for (const char *seed : {"B8x4", "B8x8", "B16x4", "B16x8", "DualRow8x4"}) {
        EXPECT_EQ(tensor_encoding_for_block_format(seed), TensorEncoding::zstd_planes) << seed;
        ASSERT_TRUE(seed_block_format_notice(seed).has_value());
        EXPECT_NE(seed_block_format_notice(seed)->find("lossless"), std::string::npos);
    }
    EXPECT_FALSE(seed_block_format_notice("zstd").has_value());
    EXPECT_THROW(tensor_encoding_for_block_format("zip"), GmatError);
}

} // namespace
} // namespace gmat::test
