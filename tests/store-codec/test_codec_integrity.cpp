// Every byte of an encoded tensor file is covered: a flip in the header, a
// chunk or the index is caught by verify() and by read(), naming the tensor
// and uuid, and nothing decodes to wrong bytes handed out as good.
#include "codec_test_files.hpp"

#include "common/error.hpp"

#include <map>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

struct FlipOutcome {
    bool open_refused = false, verify_refused = false, read_refused = false;
    bool read_wrong = false; // read() returned bytes that differ, without an error
    std::string message;
};

FlipOutcome try_flipped(const fs::path &file, const std::vector<uint8_t> &payload, const fs::path *base) {
    FlipOutcome out;
    std::unique_ptr<TensorFileReader> r;
    try {
        r = std::make_unique<TensorFileReader>(file, "6f1c2a0e-0000-4000-8000-000000000001", "blk.0.ffn_up.weight");
        if (base && r->header().encoding == TensorEncoding::zstd_planes_delta)
            r->attach_base(std::make_unique<TensorFileReader>(*base, "base"));
    } catch (const GmatError &e) {
        out.open_refused = out.verify_refused = out.read_refused = true;
        out.message = e.what();
        return out;
    }
    try {
        r->verify();
    } catch (const GmatError &e) {
        out.verify_refused = true;
        out.message = e.what();
    }
    std::vector<uint8_t> got(payload.size());
    try {
        r->read(0, got.size(), got.data());
        out.read_wrong = got != payload;
    } catch (const GmatError &e) {
        out.read_refused = true;
        if (out.message.empty()) out.message = e.what();
    }
    return out;
}

class Integrity : public CodecTest {
protected:
    // Flips every byte of file in turn (and restores it); counts broken promises.
    void flip_every_byte(const fs::path &file, const std::vector<uint8_t> &payload, const fs::path *base = nullptr) {
        const auto size = fs::file_size(file);
        std::map<std::string, int> broken;
        std::string example;
        for (uint64_t at = 0; at < size; ++at) {
            const uint8_t mask = static_cast<uint8_t>(1u << (at % 8));
            flip_byte(file, at, mask);
            const FlipOutcome o = try_flipped(file, payload, base);
            flip_byte(file, at, mask);
            auto note = [&](const std::string &rule) {
                if (broken[rule]++ == 0) example += "  byte " + std::to_string(at) + ": " + rule + " " + o.message + "\n";
            };
            if (!o.verify_refused) note("verify() accepted it");
            if (!o.read_refused) note("read() accepted it");
            if (o.read_wrong) note("read() handed out wrong bytes");
            const bool named = o.message.find("blk.0.ffn_up.weight") != std::string::npos &&
                               o.message.find("6f1c2a0e-0000-4000-8000-000000000001") != std::string::npos;
            if ((o.verify_refused || o.read_refused) && !named) note("the error does not name tensor and uuid");
        }
        std::string summary;
        for (const auto &[rule, n] : broken) summary += "  " + std::to_string(n) + " x " + rule + "\n";
        EXPECT_TRUE(broken.empty()) << size << " flips; broken:\n" << summary << "first examples:\n" << example;
        EXPECT_NO_THROW(try_flipped(file, payload, base)); // restored
    }
};

TEST_F(Integrity, EveryFlippedByteOfAZstdFileIsCaught) {
    std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_BF16, 1500, 4);
    const auto noise = random_bytes(700, 9); // one chunk stored as it is
    std::copy(noise.begin(), noise.end(), payload.begin() + 1024);
    const fs::path file = write("t.gmat", GMAT_DTYPE_BF16, payload, zstd_options(1024));
    flip_every_byte(file, payload);
}

TEST_F(Integrity, EveryFlippedByteOfADeltaFileIsCaught) {
    const std::vector<uint8_t> base = gaussian_payload(GMAT_DTYPE_F32, 600, 4);
    std::vector<uint8_t> tuned = base;
    for (size_t i = 0; i < tuned.size(); i += 12) tuned[i] ^= 0x3;
    const fs::path base_file = write("base.gmat", GMAT_DTYPE_F32, base, {});
    TensorFileReader base_reader(base_file, "base");
    TensorWriteOptions o = zstd_options(1024);
    o.base = &base_reader;
    o.base_ref = "../base.gmat";
    const fs::path file = write("t.gmat", GMAT_DTYPE_F32, tuned, o);
    ASSERT_EQ(TensorFileReader(file, "u").header().encoding, TensorEncoding::zstd_planes_delta);
    flip_every_byte(file, tuned, &base_file);
}

TEST_F(Integrity, ACorruptBaseIsCaughtThroughTheDelta) {
    const std::vector<uint8_t> base = gaussian_payload(GMAT_DTYPE_BF16, 3000, 4);
    const fs::path base_file = write("base.gmat", GMAT_DTYPE_BF16, base, {});
    TensorFileReader base_reader(base_file, "base");
    TensorWriteOptions o = zstd_options(1024);
    o.base = &base_reader;
    const fs::path file = write("t.gmat", GMAT_DTYPE_BF16, base, o);
    flip_byte(base_file, fs::file_size(base_file) - 100); // a raw base: nothing checks it but the delta
    TensorFileReader r(file, "6f1c2a0e-0000-4000-8000-000000000001", "blk.0.ffn_up.weight");
    r.attach_base(std::make_unique<TensorFileReader>(base_file, "base"));
    std::vector<uint8_t> got(base.size());
    EXPECT_THROW(r.read(0, got.size(), got.data()), GmatError);
    EXPECT_THROW(r.verify(), GmatError);
}

TEST_F(Integrity, TruncatedOrExtendedFilesAreRefusedOnOpen) {
    const std::vector<uint8_t> payload = gaussian_payload(GMAT_DTYPE_BF16, 3000, 4);
    const fs::path file = write("t.gmat", GMAT_DTYPE_BF16, payload, zstd_options(1024));
    const auto size = fs::file_size(file);
    fs::resize_file(file, size - 1);
    EXPECT_THROW(TensorFileReader(file, "u"), GmatError);
    fs::resize_file(file, size + 1);
    EXPECT_THROW(TensorFileReader(file, "u"), GmatError);
}

} // namespace
} // namespace gmat::test
