// Content ids, blob names and publishing a blob, on their own.
#include "repository_fixture.hpp"

#include "common/atomic_file.hpp"
#include "repository/blob_store.hpp"
#include "repository/content_id.hpp"
#include "repository/repository_layout.hpp"
#include "store/tensor_file_io.hpp"

namespace fs = std::filesystem;

namespace gmat::repotest {
namespace {

std::string content_id(gmat_dtype dtype, std::vector<uint64_t> shape, const std::vector<uint8_t> &bytes) {
    ContentHasher h(dtype, shape);
    h.update(bytes.data(), bytes.size());
    return h.finish();
}

TEST(ContentId, DependsOnDtypeShapeAndEveryByte) {
    const std::vector<uint8_t> bytes(24, 7);
    const std::string id = content_id(GMAT_DTYPE_F32, {2, 3}, bytes);
    EXPECT_TRUE(is_blob_name(id));
    EXPECT_EQ(id, content_id(GMAT_DTYPE_F32, {2, 3}, bytes));
    EXPECT_NE(id, content_id(GMAT_DTYPE_F32, {3, 2}, bytes));
    EXPECT_NE(id, content_id(GMAT_DTYPE_F32, {6}, bytes));
    EXPECT_NE(id, content_id(GMAT_DTYPE_BF16, {2, 6}, bytes));
    std::vector<uint8_t> other = bytes;
    other[23] ^= 1;
    EXPECT_NE(id, content_id(GMAT_DTYPE_F32, {2, 3}, other));
}

TEST(ContentId, BlobNames) {
    const std::string id(32, 'a');
    EXPECT_TRUE(is_blob_name(id));
    EXPECT_TRUE(is_blob_name(id + "-12"));
    EXPECT_FALSE(is_blob_name(id + "-"));
    EXPECT_FALSE(is_blob_name(id + "x"));
    EXPECT_FALSE(is_blob_name(std::string(31, 'a')));
    EXPECT_FALSE(is_blob_name(std::string(32, 'A')));
    EXPECT_FALSE(is_blob_name("../" + std::string(29, 'a')));
}

class PublishBlob : public RepositoryTest {
protected:
    // A finished tensor file under a temporary name in the blob folder.
    fs::path write_temporary(const std::vector<uint8_t> &bytes) {
        const fs::path file = temporary_sibling(RepositoryLayout(dir_).blob_temporary_target());
        TensorFileHeader header;
        header.dtype = GMAT_DTYPE_F32;
        header.shape = {bytes.size() / 4};
        header.name = "t";
        header.payload_bytes = bytes.size();
        TensorFileWriter writer(file, header);
        writer.append(bytes.data(), bytes.size());
        writer.finish();
        return file;
    }
    void SetUp() override {
        RepositoryTest::SetUp();
        fs::create_directories(RepositoryLayout(dir_).blobs_dir());
    }
};

TEST_F(PublishBlob, ReusesTheSameContentAndSeparatesACollision) {
    const RepositoryLayout repo(dir_);
    const std::vector<uint8_t> bytes(64, 3);
    const std::string id = content_id(GMAT_DTYPE_F32, {16}, bytes);
    const PublishedBlob first = publish_blob(write_temporary(bytes), repo.blobs_dir(), id, [](auto &) { return true; });
    EXPECT_TRUE(first.created);
    EXPECT_EQ(first.name, id);
    const auto original = file_bytes(repo.blob_path(id));

    const fs::path again = write_temporary(bytes);
    const PublishedBlob reused = publish_blob(again, repo.blobs_dir(), id, [](auto &) { return true; });
    EXPECT_FALSE(reused.created);
    EXPECT_EQ(reused.name, id);
    EXPECT_FALSE(fs::exists(again)) << "the temporary of a reused blob is removed";

    const PublishedBlob collided =
        publish_blob(write_temporary(bytes), repo.blobs_dir(), id, [](auto &) { return false; });
    EXPECT_TRUE(collided.created);
    EXPECT_EQ(collided.name, id + "-1");
    EXPECT_EQ(file_bytes(repo.blob_path(id)), original) << "an existing blob is never rewritten";
    EXPECT_TRUE(temporaries_in(dir_).empty());
}

} // namespace
} // namespace gmat::repotest
