// gmat import --into REPO --part I/N and --assemble: several workers import
// disjoint safetensors files into one repository; the final step writes the
// model's store. The repository is byte-identical to a one-machine import.
#include "distributed_fixture.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace gmat::distributed {
namespace {

class ImportPartsTest : public DistributedTest {
protected:
    ChildResult import_part(const std::string &repo, const std::string &spec) {
        return run_gmat({"import", "-m", checkpoint().string(), "--into", (dir_ / repo).string(), "--name", "m",
                         "--part", spec, "-t", "1"});
    }
    ChildResult assemble(const std::string &repo) {
        return run_gmat({"import", "-m", checkpoint().string(), "--into", (dir_ / repo).string(), "--name", "m",
                         "--assemble"});
    }
    std::map<std::string, std::vector<uint8_t>> one_machine() {
        const ChildResult r =
            run_gmat({"import", "-m", checkpoint().string(), "--into", (dir_ / "one").string(), "--name", "m"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return tree_bytes(dir_ / "one");
    }
};

TEST_F(ImportPartsTest, ThreePartsEqualOneMachine) {
    const auto expected = one_machine();
    for (int i = 2; i >= 0; --i) ASSERT_EQ(import_part("repo", std::to_string(i) + "/3").exit_code, 0);
    EXPECT_FALSE(fs::exists(dir_ / "repo" / "models" / "m")) << "no model before --assemble";
    const ChildResult r = assemble("repo");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(tree_bytes(dir_ / "repo"), expected);
}

TEST_F(ImportPartsTest, GcBetweenPartsAndAssemblyKeepsTheirBlobs) {
    const auto expected = one_machine();
    ASSERT_EQ(import_part("repo", "0/2").exit_code, 0);
    ASSERT_EQ(import_part("repo", "1/2").exit_code, 0);
    const ChildResult gc = run_gmat({"gc", (dir_ / "repo").string()});
    ASSERT_EQ(gc.exit_code, 0) << gc.describe();
    ASSERT_EQ(assemble("repo").exit_code, 0);
    EXPECT_EQ(tree_bytes(dir_ / "repo"), expected);
}

TEST_F(ImportPartsTest, RunningAPartAgainAndKubernetesIndexGiveTheSameRepository) {
    const auto expected = one_machine();
    ASSERT_EQ(import_part("repo", "0/2").exit_code, 0);
    ASSERT_EQ(import_part("repo", "0/2").exit_code, 0) << "a part replaces its earlier attempt";
    const ChildResult k8s = run_gmat({"import", "-m", checkpoint().string(), "--into", (dir_ / "repo").string(),
                                      "--name", "m", "--part", "auto/2"},
                                     {"JOB_COMPLETION_INDEX=1"});
    ASSERT_EQ(k8s.exit_code, 0) << k8s.describe();
    ASSERT_EQ(assemble("repo").exit_code, 0);
    EXPECT_EQ(tree_bytes(dir_ / "repo"), expected);
}

TEST_F(ImportPartsTest, MissingPartIsNamedAndNothingIsWritten) {
    ASSERT_EQ(import_part("repo", "0/3").exit_code, 0);
    ASSERT_EQ(import_part("repo", "2/3").exit_code, 0);
    const ChildResult r = assemble("repo");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, (dir_ / "repo" / "models" / "m.part-00002-of-00003" / "model.gmat").string() +
                                    ": missing (part 1 of 3 has not finished; run `--part 1/3` again)"))
        << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "repo" / "models" / "m"));
}

TEST_F(ImportPartsTest, PartsOfDifferentSplitsOrBadSpecsAreRefused) {
    ASSERT_EQ(import_part("repo", "0/2").exit_code, 0);
    ASSERT_EQ(import_part("repo", "0/3").exit_code, 0);
    const ChildResult r = assemble("repo");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, "partial stores of different splits")) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "repo" / "models" / "m"));

    const ChildResult range = import_part("repo2", "3/3");
    EXPECT_NE(range.exit_code, 0);
    EXPECT_TRUE(contains(range.err, "--part 3/3: part index 3 is out of range")) << range.err;
    const ChildResult standalone =
        run_gmat({"import", "-m", checkpoint().string(), "-o", (dir_ / "out").string(), "--part", "0/2"});
    EXPECT_NE(standalone.exit_code, 0);
    EXPECT_TRUE(contains(standalone.err, "--part needs --into REPO")) << standalone.err;
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
}

} // namespace
} // namespace gmat::distributed
