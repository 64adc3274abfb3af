// The .gmat tensor file: round trip, self-description, and every corruption
// found by its header or payload checksum.
#include "common/error.hpp"
#include "store/tensor_file_io.hpp"
#include "store/tensor_uuid.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {
namespace {

class TensorFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("gmat-store-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        for (int i = 0; i < 6 * 10; ++i) payload_.push_back(static_cast<uint8_t>(i * 7 + 1));
        for (int i = 0; i < 60; ++i) payload_.push_back(static_cast<uint8_t>(255 - i));
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path write(const std::string &name = "model.layers.0.mlp.up_proj.weight") {
        TensorFileHeader h;
        h.dtype = GMAT_DTYPE_BF16;
        h.shape = {6, 10};
        h.name = name;
        h.payload_bytes = payload_.size();
        const fs::path file = dir_ / "t.gmat";
        TensorFileWriter w(file, h);
        w.append(payload_.data(), 50);
        w.append(payload_.data() + 50, payload_.size() - 50);
        w.finish();
        return file;
    }
    void flip_byte(const fs::path &file, uint64_t offset) {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(offset));
        char c;
        f.read(&c, 1);
        c ^= 0x10;
        f.seekp(static_cast<std::streamoff>(offset));
        f.write(&c, 1);
    }
    fs::path dir_;
    std::vector<uint8_t> payload_;
};

TEST_F(TensorFileTest, RoundTripsAndDescribesItself) {
    const fs::path file = write();
    TensorFileReader r(file, "uuid-1");
    EXPECT_EQ(r.header().dtype, GMAT_DTYPE_BF16);
    EXPECT_EQ(r.header().shape, (std::vector<uint64_t>{6, 10}));
    EXPECT_EQ(r.header().name, "model.layers.0.mlp.up_proj.weight");
    ASSERT_EQ(r.header().payload_bytes, payload_.size());
    EXPECT_EQ(std::vector<uint8_t>(r.payload(), r.payload() + payload_.size()), payload_);
    EXPECT_NO_THROW(r.verify());
    EXPECT_EQ(fs::file_size(file) % 64, (64 + payload_.size()) % 64);
}

TEST_F(TensorFileTest, EveryFlippedByteIsDetected) {
    const fs::path file = write();
    const uint64_t size = fs::file_size(file);
    const fs::path copy = dir_ / "copy.gmat";
    for (uint64_t offset = 0; offset < size; ++offset) {
        fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
        flip_byte(copy, offset);
        bool detected = false;
        try {
            TensorFileReader r(copy, "uuid-1");
            r.verify();
        } catch (const GmatError &e) {
            detected = true;
            EXPECT_NE(std::string(e.what()).find(copy.string()), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("uuid-1"), std::string::npos) << e.what();
        }
        // Padding bytes after the name are covered by the header checksum too.
        EXPECT_TRUE(detected) << "flipped byte " << offset << " went unnoticed";
    }
}

TEST_F(TensorFileTest, PayloadCorruptionNamesTensorAndUuid) {
    const fs::path file = write();
    flip_byte(file, fs::file_size(file) - 3);
    TensorFileReader r(file, "0242dfe2-2a83-4d32-8a9e-6c0e7f9bab32");
    try {
        r.verify();
        FAIL() << "corruption not detected";
    } catch (const GmatError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("model.layers.0.mlp.up_proj.weight"), std::string::npos) << m;
        EXPECT_NE(m.find("0242dfe2-2a83-4d32-8a9e-6c0e7f9bab32"), std::string::npos) << m;
        EXPECT_NE(m.find("checksum"), std::string::npos) << m;
    }
    PayloadVerifier v(r);
    v.update(0, 64);
    v.update(64, r.header().payload_bytes - 64);
    EXPECT_THROW(v.finish(), GmatError);
}

TEST_F(TensorFileTest, TruncatedAndEmptyFilesAreErrors) {
    const fs::path file = write();
    fs::resize_file(file, fs::file_size(file) - 1);
    EXPECT_THROW(TensorFileReader(file, "u"), GmatError);
    fs::resize_file(file, 20);
    EXPECT_THROW(TensorFileReader(file, "u"), GmatError);
    fs::resize_file(file, 0);
    EXPECT_THROW(TensorFileReader(file, "u"), GmatError);
}

TEST_F(TensorFileTest, WriterRefusesWrongPayloadSizeAndRemovesTheFile) {
    TensorFileHeader h;
    h.dtype = GMAT_DTYPE_F32;
    h.shape = {4};
    h.payload_bytes = 16;
    {
        TensorFileWriter w(dir_ / "short.gmat", h);
        w.append(payload_.data(), 8);
        EXPECT_THROW(w.finish(), GmatError);
    }
    EXPECT_FALSE(fs::exists(dir_ / "short.gmat"));
    TensorFileWriter w(dir_ / "long.gmat", h);
    EXPECT_THROW(w.append(payload_.data(), 17), GmatError);
}

TEST(TensorUuid, IsStableAndWellFormed) {
    EXPECT_EQ(tensor_uuid_for("lm_head.weight"), tensor_uuid_for("lm_head.weight"));
    EXPECT_NE(tensor_uuid_for("lm_head.weight"), tensor_uuid_for("model.norm.weight"));
    const std::string u = tensor_uuid_for("lm_head.weight");
    EXPECT_TRUE(is_uuid(u));
    EXPECT_EQ(u[14], '8'); // version 8
    EXPECT_FALSE(is_uuid("not-a-uuid"));
    EXPECT_TRUE(is_uuid("3b6d6f4a-9cf5-4d97-9b08-ce07ddc0435d"));
}

} // namespace
} // namespace gmat
