// Deltas at the codec level: each chunk is stored as the smaller of plain and
// XOR-with-base; reading reconstructs the exact bytes; a wrong base is refused.
#include "codec_test_files.hpp"

#include "common/error.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <thread>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr uint64_t kElements = 20000; // BF16: 40000 bytes, ten 4 KiB chunks

// A fine-tune of a BF16 payload: every value moved by about 0.3 % of itself.
std::vector<uint8_t> nudged(const std::vector<uint8_t> &bf16, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<uint8_t> out = bf16;
    for (size_t i = 0; i + 1 < out.size(); i += 2) {
        uint32_t bits = static_cast<uint32_t>(out[i] | out[i + 1] << 8) << 16;
        float v;
        std::memcpy(&v, &bits, 4);
        v *= 1.0f + 0.003f * normal(rng);
        std::memcpy(&bits, &v, 4);
        const uint16_t h = static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
        out[i] = static_cast<uint8_t>(h), out[i + 1] = static_cast<uint8_t>(h >> 8);
    }
    return out;
}

class DeltaTest : public CodecTest {
protected:
    void SetUp() override {
        CodecTest::SetUp();
        base_payload_ = gaussian_payload(GMAT_DTYPE_BF16, kElements, 21);
        base_file_ = write("base.gmat", GMAT_DTYPE_BF16, base_payload_, zstd_options());
        base_ = std::make_unique<TensorFileReader>(base_file_, "base-uuid");
    }
    // payload written plainly and as a delta against base_; returns {plain, delta} stored sizes.
    std::pair<uint64_t, uint64_t> sizes(const std::vector<uint8_t> &payload, TensorEncoding *delta_encoding = nullptr) {
        const fs::path plain = write("plain.gmat", GMAT_DTYPE_BF16, payload, zstd_options());
        const fs::path delta = write("delta.gmat", GMAT_DTYPE_BF16, payload, delta_options());
        TensorFileReader p(plain, "u"), d(delta, "u");
        if (d.header().encoding == TensorEncoding::zstd_planes_delta) d.attach_base(open_base());
        EXPECT_EQ(read_all(d), payload);
        EXPECT_NO_THROW(d.verify());
        if (delta_encoding) *delta_encoding = d.header().encoding;
        fs::remove(plain), fs::remove(delta);
        return {p.stored_payload_bytes(), d.stored_payload_bytes()};
    }
    TensorWriteOptions delta_options(uint32_t chunk_bytes = 4096) {
        TensorWriteOptions o = zstd_options(chunk_bytes);
        o.base = base_.get();
        o.base_ref = "blobs/base";
        return o;
    }
    std::unique_ptr<TensorFileReader> open_base() { return std::make_unique<TensorFileReader>(base_file_, "base-uuid"); }

    std::vector<uint8_t> base_payload_;
    fs::path base_file_;
    std::unique_ptr<TensorFileReader> base_;
};

TEST_F(DeltaTest, IdenticalToTheBaseIsTiny) {
    const auto [plain, delta] = sizes(base_payload_);
    EXPECT_LT(delta, plain / 20) << "plain " << plain << ", delta " << delta;
    EXPECT_LT(delta, 10 * (kChunkIndexEntryBytes + 40));
}

TEST_F(DeltaTest, ASlightlyChangedTensorIsSmallerThanPlain) {
    TensorEncoding encoding{};
    const auto [plain, delta] = sizes(nudged(base_payload_, 3), &encoding);
    EXPECT_EQ(encoding, TensorEncoding::zstd_planes_delta);
    EXPECT_LT(delta, plain * 0.8) << "plain " << plain << ", delta " << delta;
}

TEST_F(DeltaTest, AnUnrelatedTensorIsNoWorseThanPlain) {
    const auto [plain, delta] = sizes(gaussian_payload(GMAT_DTYPE_BF16, kElements, 99));
    EXPECT_LE(delta, plain);
}

TEST_F(DeltaTest, ADeltaThatGainsNothingDoesNotNeedItsBase) {
    TensorEncoding encoding{};
    std::vector<uint8_t> zeros(base_payload_.size(), 0);
    base_file_ = write("zeros.gmat", GMAT_DTYPE_BF16, zeros, zstd_options());
    base_ = std::make_unique<TensorFileReader>(base_file_, "base-uuid");
    sizes(gaussian_payload(GMAT_DTYPE_BF16, kElements, 5), &encoding); // XOR with zeros: the same bytes
    EXPECT_EQ(encoding, TensorEncoding::zstd_planes);
    const fs::path file = write("d.gmat", GMAT_DTYPE_BF16, base_payload_, delta_options());
    TensorFileReader r(file, "u");
    EXPECT_TRUE(r.header().base_ref.empty());
    EXPECT_EQ(read_all(r), base_payload_);
}

TEST_F(DeltaTest, DeltasReadWithoutTheirBaseOrWithTheWrongOneAreClearErrors) {
    const std::vector<uint8_t> tuned = nudged(base_payload_, 4);
    const fs::path file = write("delta.gmat", GMAT_DTYPE_BF16, tuned, delta_options());
    TensorFileReader r(file, "delta-uuid");
    ASSERT_EQ(r.header().encoding, TensorEncoding::zstd_planes_delta);
    EXPECT_EQ(r.header().base_ref, "blobs/base");
    std::vector<uint8_t> out(tuned.size());
    try {
        r.read(0, out.size(), out.data());
        FAIL() << "read a delta without its base";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("delta-uuid"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not attached"), std::string::npos) << e.what();
    }
    const fs::path other = write("other.gmat", GMAT_DTYPE_BF16, tuned, zstd_options());
    try {
        r.attach_base(std::make_unique<TensorFileReader>(other, "other-uuid"));
        FAIL() << "attached the wrong base";
    } catch (const GmatError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(file.string()), std::string::npos) << m;
        EXPECT_NE(m.find(other.string()), std::string::npos) << m;
        EXPECT_NE(m.find("wrong base"), std::string::npos) << m;
    }
    TensorFileReader plain(other, "other-uuid");
    EXPECT_THROW(plain.attach_base(open_base()), GmatError);
    const std::vector<uint8_t> shorter(base_payload_.begin(), base_payload_.end() - 2);
    EXPECT_THROW(write("short.gmat", GMAT_DTYPE_BF16, shorter, delta_options()), GmatError);
}

TEST_F(DeltaTest, BasesOfAnyEncodingChunkSizeOrDepthReconstructTheBytes) {
    const std::vector<uint8_t> tuned = nudged(base_payload_, 6), tuned_again = nudged(tuned, 7);
    const fs::path raw_base = write("raw-base.gmat", GMAT_DTYPE_BF16, base_payload_, {});
    TensorFileReader raw(raw_base, "raw-base");
    for (uint32_t chunk : {1024u, 4096u, 10000u}) {
        TensorWriteOptions o = delta_options(chunk);
        o.base = &raw;
        const fs::path file = write("d.gmat", GMAT_DTYPE_BF16, tuned, o);
        TensorFileReader d(file, "d");
        d.attach_base(std::make_unique<TensorFileReader>(raw_base, "raw-base"));
        EXPECT_EQ(read_all(d), tuned) << "chunk " << chunk;
        fs::remove(file);
    }
    // A delta of a delta: its base must have its own base attached.
    const fs::path first = write("first.gmat", GMAT_DTYPE_BF16, tuned, delta_options());
    auto first_reader = std::make_unique<TensorFileReader>(first, "first");
    first_reader->attach_base(open_base());
    TensorWriteOptions o = delta_options(3000);
    o.base = first_reader.get();
    const fs::path second = write("second.gmat", GMAT_DTYPE_BF16, tuned_again, o);
    TensorFileReader s(second, "second");
    s.attach_base(std::move(first_reader));
    EXPECT_EQ(read_all(s), tuned_again);
    std::vector<std::thread> threads;
    std::vector<int> bad(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(t);
            std::vector<uint8_t> got;
            for (int i = 0; i < 200; ++i) {
                const uint64_t offset = rng() % tuned_again.size();
                got.resize(rng() % std::min<uint64_t>(tuned_again.size() - offset + 1, 5000));
                s.read(offset, got.size(), got.data());
                bad[t] += !std::equal(got.begin(), got.end(), tuned_again.begin() + offset);
            }
        });
    for (auto &t : threads) t.join();
    for (int t = 0; t < 4; ++t) EXPECT_EQ(bad[t], 0);
}

} // namespace
} // namespace gmat::test
