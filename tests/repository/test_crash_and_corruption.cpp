// A killed import leaves only complete blobs (its temporaries are removed by
// the next import or gc), and a damaged blob is reported with the model,
// tensor, uuid and blob path, and never reused by a later import.
#include "repository_fixture.hpp"

#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <signal.h>

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::repotest {
namespace {

void flip_last_byte(const fs::path &file) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);
    f.seekp(-1, std::ios::end);
    f.write(&c, 1);
}

class CrashTest : public RepositoryTest {
protected:
    fs::path repo() const { return dir_ / "repo"; }
    fs::path store(const std::string &name) const { return repo() / "models" / name / "model.gmat"; }
};

TEST_F(CrashTest, KilledImportLeavesOnlyCompleteBlobsAndTheNextImportCleansUp) {
    expect_gmat({"import", "-m", family().base.string(), "--into", repo().string(), "--name", "base"});
    const size_t base_blobs = blob_names(repo()).size();
    ChildProcess child(gmat_binary(), {"-q", "import", "-m", large_checkpoint().string(), "--into",
                                               repo().string(), "--name", "large"});
    const bool reached = test::wait_until(child, [&] {
        return blob_names(repo()).size() >= base_blobs + 3 && !temporaries_in(repo() / "blobs").empty();
    });
    child.kill_now();
    const ChildResult killed = child.wait();
    ASSERT_TRUE(reached) << "the import ended before the kill point: " << killed.describe();
    ASSERT_EQ(killed.signal, SIGKILL);

    EXPECT_FALSE(fs::exists(store("large"))) << "a model appears only once complete";
    EXPECT_FALSE(temporaries_in(repo()).empty()) << "the kill left a temporary behind";
    for (const auto &b : blob_names(repo())) {
        SCOPED_TRACE(b);
        TensorFileReader blob(blob_file(repo(), b), "", "blob " + b); // plain blobs: no base to attach
        EXPECT_NO_THROW(blob.verify());
    }
    const ChildResult dry = expect_gmat({"gc", "--dry-run", repo().string()});
    for (const auto &t : temporaries_in(repo() / "blobs")) EXPECT_TRUE(contains(dry.out, t.string())) << dry.out;

    expect_gmat({"import", "-m", large_checkpoint().string(), "--into", repo().string(), "--name", "large"});
    EXPECT_TRUE(temporaries_in(repo()).empty()) << "the next import removes a dead import's temporaries";
    expect_gmat({"inspect", "--verify", store("large").string()});
    expect_gmat({"import", "-m", large_checkpoint().string(), "-o", (dir_ / "plain" / "large").string()});
    EXPECT_TRUE(export_bytes(store("large"), "f32", dir_ / "r.gguf") ==
                export_bytes(dir_ / "plain" / "large" / "model.gmat", "f32", dir_ / "p.gguf"));
}

TEST_F(CrashTest, GcRemovesTheTemporariesOfAKilledImport) {
    expect_gmat({"import", "-m", family().base.string(), "--into", repo().string(), "--name", "base"});
    ChildProcess child(gmat_binary(), {"-q", "import", "-m", large_checkpoint().string(), "--into",
                                               repo().string(), "--name", "large"});
    test::wait_until(child, [&] { return !temporaries_in(repo() / "blobs").empty(); });
    child.kill_now();
    child.wait();
    ASSERT_FALSE(temporaries_in(repo()).empty());
    expect_gmat({"gc", repo().string()});
    EXPECT_TRUE(temporaries_in(repo()).empty());
    EXPECT_EQ(blob_names(repo()), model_blobs(store("base"))) << "the killed import's published blobs are garbage";
}

TEST_F(CrashTest, CorruptBlobIsReportedAndNeverReused) {
    expect_gmat({"import", "-m", family().base.string(), "--into", repo().string(), "--name", "base"});
    const Store opened = Store::open(store("base"));
    const StoredTensor *norm = opened.find_name("model.norm.weight");
    ASSERT_NE(norm, nullptr);
    const fs::path blob = blob_file(repo(), norm->blob);
    flip_last_byte(blob);

    const ChildResult verify = run_gmat({"inspect", "--verify", store("base").string()});
    EXPECT_NE(verify.exit_code, 0);
    const std::string report = verify.out + verify.err;
    for (const std::string &part : {store("base").string(), std::string("model.norm.weight"), norm->uuid, blob.string()})
        EXPECT_TRUE(contains(report, part)) << "missing '" << part << "' in:\n" << report;

    expect_gmat({"import", "-m", family().base.string(), "--into", repo().string(), "--name", "again"});
    const Store again = Store::open(store("again"));
    EXPECT_EQ(again.find_name("model.norm.weight")->blob, norm->blob + "-1") << "same content id, new blob";
    expect_gmat({"inspect", "--verify", store("again").string()});
    expect_gmat({"import", "-m", family().base.string(), "-o", (dir_ / "plain" / "again").string()});
    EXPECT_TRUE(export_bytes(store("again"), "f32", dir_ / "r.gguf") ==
                export_bytes(dir_ / "plain" / "again" / "model.gmat", "f32", dir_ / "p.gguf"));
}

} // namespace
} // namespace gmat::repotest
