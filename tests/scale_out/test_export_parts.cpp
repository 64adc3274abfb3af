// gmat export --part I/N and --assemble: every split of an export, run part by
// part in separate processes, gives the bytes of a one-process export; a part
// run again gives the same bytes; Slurm's and Kubernetes' index variables map
// to the same parts.
#include "distributed_fixture.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace gmat::distributed {
namespace {

class ExportPartsTest : public DistributedTest {
protected:
    // The one-process export of profile into dir_/one/.
    std::map<std::string, std::vector<uint8_t>> one_process(const fs::path &profile) {
        const ChildResult r = run_gmat({"export", "-m", store().string(), "-c", profile.string(), "-o",
                                        (dir_ / "one" / "m.gguf").string()});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return tree_bytes(dir_ / "one");
    }
    ChildResult part(const fs::path &profile, const std::string &spec, const std::vector<std::string> &env = {},
                     const std::string &folder = "parts") {
        return run_gmat({"export", "-m", store().string(), "-c", profile.string(), "-o",
                         (dir_ / folder / "m.gguf").string(), "--part", spec, "-t", "1"},
                        env);
    }
    ChildResult assemble(const fs::path &profile, const std::string &folder = "parts") {
        return run_gmat({"export", "-m", store().string(), "-c", profile.string(), "-o",
                         (dir_ / folder / "m.gguf").string(), "--assemble"});
    }
};

TEST_F(ExportPartsTest, ShardedQ4KMInFourPartsIsByteIdentical) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 200000);
    const auto expected = one_process(profile);
    ASSERT_GE(expected.size(), 4u) << "the profile should split into at least 4 files";
    for (int i = 3; i >= 0; --i) { // any order
        const ChildResult r = part(profile, std::to_string(i) + "/4");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }
    auto written = tree_bytes(dir_ / "parts");
    for (const auto &[name, bytes] : expected) {
        ASSERT_TRUE(written.count(name)) << name;
        EXPECT_TRUE(written[name] == bytes) << name << " differs from the one-process export";
    }
    EXPECT_EQ(written.size(), expected.size() + 4) << "split files plus 4 part records";
    const ChildResult r = assemble(profile);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(tree_bytes(dir_ / "parts"), expected) << "assembly verifies and removes only the part records";
}

TEST_F(ExportPartsTest, SingleFileInThreePartsAssemblesByteIdentical) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 0);
    const auto expected = one_process(profile);
    ASSERT_EQ(expected.size(), 1u);
    for (int i = 0; i < 3; ++i) {
        const ChildResult r = part(profile, std::to_string(i) + "/3");
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }
    EXPECT_FALSE(fs::exists(dir_ / "parts" / "m.gguf")) << "parts never write the GGUF itself";
    const ChildResult r = assemble(profile);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(tree_bytes(dir_ / "parts"), expected);
    EXPECT_TRUE(test::temporaries_in(dir_).empty());
}

TEST_F(ExportPartsTest, MorePartsThanFilesOrTensorsStillAssemble) {
    const fs::path profile = write_profile(dir_ / "q8.json", "q8_0", 400000);
    const auto expected = one_process(profile);
    const size_t parts = expected.size() + 2; // some parts get no file
    for (size_t i = 0; i < parts; ++i) {
        const ChildResult r = part(profile, std::to_string(i) + "/" + std::to_string(parts));
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }
    const ChildResult r = assemble(profile);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(tree_bytes(dir_ / "parts"), expected);
}

TEST_F(ExportPartsTest, RunningAPartAgainGivesTheSameBytes) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 0);
    ASSERT_EQ(part(profile, "1/2").exit_code, 0);
    const auto first = tree_bytes(dir_ / "parts");
    ASSERT_EQ(first.size(), 1u);
    const ChildResult again = run_gmat({"export", "-m", store().string(), "-c", profile.string(), "-o",
                                        (dir_ / "parts" / "m.gguf").string(), "--part", "1/2", "-t", "2"});
    ASSERT_EQ(again.exit_code, 0) << again.describe();
    EXPECT_EQ(tree_bytes(dir_ / "parts"), first);
}

TEST_F(ExportPartsTest, KubernetesCompletionIndexAndSlurmArrayMapToTheSameParts) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 200000);
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(part(profile, std::to_string(i) + "/3").exit_code, 0);
        const ChildResult k8s = part(profile, "auto/3", {"JOB_COMPLETION_INDEX=" + std::to_string(i)}, "k8s");
        ASSERT_EQ(k8s.exit_code, 0) << k8s.describe();
        const ChildResult slurm = part(profile, "auto",
                                       {"SLURM_ARRAY_TASK_ID=" + std::to_string(i), "SLURM_ARRAY_TASK_COUNT=3"},
                                       "slurm");
        ASSERT_EQ(slurm.exit_code, 0) << slurm.describe();
    }
    const auto explicit_parts = tree_bytes(dir_ / "parts");
    EXPECT_EQ(tree_bytes(dir_ / "k8s"), explicit_parts);
    EXPECT_EQ(tree_bytes(dir_ / "slurm"), explicit_parts);
    ASSERT_EQ(assemble(profile, "k8s").exit_code, 0);
}

} // namespace
} // namespace gmat::distributed
