// `gmat import` into a folder that already holds a store: refused without
// --force (the store untouched, byte for byte), replaced with it (nothing of
// the old store or of the staging left).
#include "fault_fixture.hpp"

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

class ExistingStore : public FaultTest {};

TEST_F(ExistingStore, ImportRefusesWithoutForceAndTouchesNothing) {
    const fs::path out = dir_ / "out";
    ASSERT_EQ(run_gmat({"import", "-m", small_checkpoint().string(), "-o", out.string()}).exit_code, 0);
    const FileTree before = tree_bytes(out);
    const ChildResult r = run_gmat({"import", "-m", large_checkpoint().string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "already exists")) << r.err;
    EXPECT_TRUE(contains(r.err, "--force")) << r.err;
    EXPECT_TRUE(contains(r.err, (out / "model.gmat").string())) << r.err;
    EXPECT_TRUE(tree_bytes(out) == before);
}

TEST_F(ExistingStore, ImportWithForceReplacesTheStoreCompletely) {
    const fs::path out = dir_ / "out";
    ASSERT_EQ(run_gmat({"import", "-m", small_checkpoint().string(), "-o", out.string()}).exit_code, 0);
    const ChildResult r = run_gmat({"import", "-m", large_checkpoint().string(), "-o", out.string(), "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const fs::path fresh = dir_ / "fresh";
    ASSERT_EQ(run_gmat({"import", "-m", large_checkpoint().string(), "-o", fresh.string()}).exit_code, 0);
    EXPECT_TRUE(tree_bytes(out) == tree_bytes(fresh)) << "the replaced store differs from a fresh import";
    EXPECT_TRUE(temporaries_in(out).empty());
    const ChildResult verify = run_gmat({"inspect", "--verify", (out / "model.gmat").string()});
    EXPECT_EQ(verify.exit_code, 0) << verify.describe();
}

TEST_F(ExistingStore, AnExportNeverWritesIntoTheStore) {
    const fs::path out = dir_ / "out";
    ASSERT_EQ(run_gmat({"import", "-m", small_checkpoint().string(), "-o", out.string()}).exit_code, 0);
    const FileTree before = tree_bytes(out);
    const ChildResult r = run_gmat({"export", "-m", (out / "model.gmat").string(), "-o", (dir_ / "m.gguf").string()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(tree_bytes(out) == before);
}

} // namespace
} // namespace gmat::faults
