// gmat gc: deletes exactly the blobs no model references (a delta's base blob
// counts as referenced, even once its own model is gone) and never what a
// running import or export reads or writes: gc waits for the repository's
// shared lock, which imports and exports hold.
#include "repository_fixture.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

namespace fs = std::filesystem;

namespace gmat::repotest {
namespace {

// Blob names in the per-tensor "base" fields of a metadata.json.
std::set<std::string> delta_bases(const fs::path &store) {
    std::ifstream in(store / "metadata.json");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::set<std::string> bases;
    const std::string key = "\"base\": \"";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        const std::string value = text.substr(at + key.size(), text.find('"', at + key.size()) - at - key.size());
        if (value.find('/') == std::string::npos) bases.insert(value); // not the top-level store path
    }
    return bases;
}

class GcTest : public RepositoryTest {
protected:
    fs::path repo() const { return dir_ / "repo"; }
    fs::path store(const std::string &name) const { return repo() / "models" / name / "model.gmat"; }
    void import(const fs::path &checkpoint, const std::string &name, bool with_base) {
        std::vector<std::string> args{"import", "-m", checkpoint.string(), "--into", repo().string(), "--name", name};
        if (with_base) args.insert(args.end(), {"--base", store("base").string()});
        expect_gmat(args);
    }
};

TEST_F(GcTest, RemovesExactlyTheUnreferencedBlobsAndKeepsDeltaBases) {
    import(family().base, "base", false);
    import(family().noisy, "noisy", true);
    import(family().added, "added", true);
    import(family().frozen, "frozen", false); // plain blobs, its embedding and norms shared with base
    const fs::path before_export = dir_ / "noisy-before.gguf";
    const auto noisy_gguf = export_bytes(store("noisy"), "q8_0", before_export);

    const auto all = blob_names(repo());
    const auto noisy = model_blobs(store("noisy"));
    const auto bases = delta_bases(store("noisy"));
    ASSERT_FALSE(bases.empty()) << "noisy's tensors are deltas on base blobs";
    fs::remove_all(repo() / "models" / "base");
    fs::remove_all(repo() / "models" / "added");
    fs::remove_all(repo() / "models" / "frozen");

    std::set<std::string> expected_removed;
    for (const auto &b : all)
        if (!noisy.count(b) && !bases.count(b)) expected_removed.insert(b);
    ASSERT_FALSE(expected_removed.empty());

    const ChildResult dry = expect_gmat({"gc", "--dry-run", repo().string()});
    EXPECT_EQ(blob_names(repo()), all) << "--dry-run deletes nothing";
    for (const auto &b : expected_removed) EXPECT_TRUE(contains(dry.out, b)) << dry.out;

    expect_gmat({"gc", repo().string()});
    std::set<std::string> kept = noisy;
    kept.insert(bases.begin(), bases.end());
    EXPECT_EQ(blob_names(repo()), kept);
    expect_gmat({"inspect", "--verify", store("noisy").string()});
    EXPECT_TRUE(export_bytes(store("noisy"), "q8_0", dir_ / "noisy-after.gguf") == noisy_gguf);

    expect_gmat({"gc", repo().string()});
    EXPECT_EQ(blob_names(repo()), kept) << "a second gc finds nothing more";
}

TEST_F(GcTest, ADeltaOnADeltaKeepsItsWholeChainOfBases) {
    import(family().base, "base", false);
    import(family().noisy, "noisy", true);
    // frozen's changed tensors become deltas on noisy's blobs, themselves deltas on base's.
    expect_gmat({"import", "-m", family().frozen.string(), "--into", repo().string(), "--name", "frozen", "--base",
                 store("noisy").string()});
    expect_gmat({"import", "-m", family().frozen.string(), "-o", (dir_ / "plain" / "frozen").string()});
    const auto plain = export_bytes(dir_ / "plain" / "frozen" / "model.gmat", "f32", dir_ / "p.gguf");
    EXPECT_TRUE(export_bytes(store("frozen"), "f32", dir_ / "r1.gguf") == plain);
    const auto chain_bases = delta_bases(store("frozen"));
    ASSERT_FALSE(chain_bases.empty());
    fs::remove_all(repo() / "models" / "base");
    fs::remove_all(repo() / "models" / "noisy");
    expect_gmat({"gc", repo().string()});
    for (const auto &b : chain_bases) EXPECT_TRUE(blob_names(repo()).count(b)) << "noisy's blob " << b;
    for (const auto &b : delta_bases(store("noisy").parent_path().parent_path() / "frozen" / "model.gmat"))
        EXPECT_TRUE(blob_names(repo()).count(b));
    expect_gmat({"inspect", "--verify", store("frozen").string()});
    EXPECT_TRUE(export_bytes(store("frozen"), "f32", dir_ / "r2.gguf") == plain);
}

TEST_F(GcTest, ConcurrentImportsOfOneCheckpointShareEveryBlob) {
    std::vector<std::unique_ptr<ChildProcess>> imports;
    for (int i = 0; i < 2; ++i)
        imports.push_back(std::make_unique<ChildProcess>(
            gmat_binary(), std::vector<std::string>{"-q", "import", "-m", large_checkpoint().string(), "--into",
                                                    repo().string(), "--name", "copy" + std::to_string(i)}));
    for (auto &child : imports) {
        const ChildResult r = child->wait_for(std::chrono::seconds(120));
        EXPECT_EQ(r.exit_code, 0) << r.describe();
    }
    EXPECT_EQ(model_blobs(store("copy0")), model_blobs(store("copy1")));
    EXPECT_EQ(blob_names(repo()), model_blobs(store("copy0"))) << "no blob twice, no leftover";
    EXPECT_TRUE(temporaries_in(repo()).empty());
    for (int i = 0; i < 2; ++i) expect_gmat({"inspect", "--verify", store("copy" + std::to_string(i)).string()});
}

TEST_F(GcTest, WaitsWhileAnImportHoldsTheLock) {
    import(family().base, "base", false);
    // Hold the lock the way an import does, then start gc.
    const int fd = ::open((repo() / ".lock").c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_SH), 0);
    fs::remove_all(repo() / "models" / "base"); // everything is garbage now
    ChildProcess gc(gmat_binary(), {"gc", repo().string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(gc.running()) << "gc must wait for the import's lock";
    EXPECT_FALSE(blob_names(repo()).empty()) << "nothing is deleted while an import runs";
    ::close(fd);
    const ChildResult r = gc.wait_for(std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.out, "Waiting for running imports")) << r.out;
    EXPECT_TRUE(blob_names(repo()).empty());
}

// Exports hold the lock shared too: while gc holds it, an export of a
// repository model waits instead of reading blobs gc may be deleting.
TEST_F(GcTest, AnExportWaitsWhileGcHoldsTheLock) {
    import(family().base, "base", false);
    const int fd = ::open((repo() / ".lock").c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0); // the way gc holds it
    const fs::path out = dir_ / "base.gguf";
    ChildProcess exporter(gmat_binary(), {"export", "-m", store("base").string(), "-o", out.string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(exporter.running()) << "an export must wait for gc";
    EXPECT_FALSE(fs::exists(out));
    ::close(fd);
    const ChildResult r = exporter.wait_for(std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, "Waiting for gc of")) << r.err;
    EXPECT_TRUE(fs::exists(out));
}

TEST_F(GcTest, RunningInALoopDuringAnImportNeverDeletesWhatItWrites) {
    import(family().base, "base", false);
    fs::remove_all(repo() / "models" / "base"); // garbage for gc to find on each pass
    std::atomic<bool> importing{true};
    std::atomic<int> passes{0};
    std::thread loop([&] {
        while (importing) {
            const ChildResult r = run_gmat({"gc", repo().string()});
            EXPECT_EQ(r.exit_code, 0) << r.describe();
            ++passes;
        }
    });
    for (int i = 0; i < 2; ++i)
        expect_gmat({"import", "-m", large_checkpoint().string(), "--into", repo().string(), "--name",
                     "large" + std::to_string(i)});
    importing = false;
    loop.join();
    EXPECT_GT(passes.load(), 0);
    expect_gmat({"gc", repo().string()});
    expect_gmat({"import", "-m", large_checkpoint().string(), "-o", (dir_ / "plain" / "large0").string()});
    const auto plain = export_bytes(dir_ / "plain" / "large0" / "model.gmat", "f32", dir_ / "plain.gguf");
    for (int i = 0; i < 2; ++i) {
        const fs::path s = store("large" + std::to_string(i));
        expect_gmat({"inspect", "--verify", s.string()});
        if (i == 0) {
            EXPECT_TRUE(export_bytes(s, "f32", dir_ / "large0.gguf") == plain);
        }
    }
    EXPECT_EQ(model_blobs(store("large0")), model_blobs(store("large1"))) << "the second import reuses every blob";
}

} // namespace
} // namespace gmat::repotest
