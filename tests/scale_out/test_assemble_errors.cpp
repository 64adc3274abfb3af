// Bad input to --part and --assemble: clear errors naming the part files and
// what is wrong with them, and nothing published.
#include "distributed_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace fs = std::filesystem;

namespace gmat::distributed {
namespace {

class AssembleErrorsTest : public DistributedTest {
protected:
    void SetUp() override {
        DistributedTest::SetUp();
        single_ = write_profile(dir_ / "single.json", "q4_k_m", 0);
        sharded_ = write_profile(dir_ / "sharded.json", "q4_k_m", 200000);
    }
    ChildResult part(const fs::path &profile, const std::string &spec, const fs::path &store_dir = store()) {
        return run_gmat({"export", "-m", store_dir.string(), "-c", profile.string(), "-o", out().string(), "--part",
                         spec});
    }
    ChildResult assemble(const fs::path &profile, const fs::path &store_dir = store()) {
        return run_gmat({"export", "-m", store_dir.string(), "-c", profile.string(), "-o", out().string(),
                         "--assemble"});
    }
    fs::path out() const { return dir_ / "out" / "m.gguf"; }
    fs::path part_file(int index, int count) const {
        char name[64];
        std::snprintf(name, sizeof name, "m.gguf.part-%05d-of-%05d.gmatpart", index, count);
        return dir_ / "out" / name;
    }
    // The assembly failed and left no GGUF and no temporaries.
    void expect_refused(const ChildResult &r, const std::vector<std::string> &fragments) {
        EXPECT_NE(r.exit_code, 0);
        for (const auto &f : fragments) EXPECT_TRUE(contains(r.err, f)) << "missing '" << f << "' in:\n" << r.err;
        EXPECT_FALSE(fs::exists(out()));
        EXPECT_TRUE(test::temporaries_in(dir_).empty());
    }
    fs::path single_, sharded_;
};

TEST_F(AssembleErrorsTest, PartOutOfRangeOrZeroPartsWritesNothing) {
    for (const std::string spec : {"4/4", "0/0", "1/x", "2", "auto"}) {
        const ChildResult r = part(single_, spec);
        EXPECT_NE(r.exit_code, 0) << spec;
        EXPECT_TRUE(contains(r.err, "--part " + spec)) << r.err;
        EXPECT_FALSE(fs::exists(dir_ / "out") && !fs::is_empty(dir_ / "out")) << spec;
    }
}

TEST_F(AssembleErrorsTest, NoPartsAtAll) {
    expect_refused(assemble(single_), {"no part files (m.gguf.part-0000I-of-0000N.gmatpart)"});
}

TEST_F(AssembleErrorsTest, MissingPartsAreNamed) {
    ASSERT_EQ(part(single_, "0/4").exit_code, 0);
    ASSERT_EQ(part(single_, "2/4").exit_code, 0);
    expect_refused(assemble(single_), {"m.gguf.part-00002-of-00004.gmatpart: missing (part 1 of 4 has not finished; "
                                       "run `--part 1/4` again)",
                                       "m.gguf.part-00004-of-00004.gmatpart: missing (part 3 of 4"});
    EXPECT_TRUE(fs::exists(part_file(1, 4))) << "the finished parts are kept for the next attempt";
}

TEST_F(AssembleErrorsTest, DuplicatePartIsNamed) {
    ASSERT_EQ(part(single_, "0/2").exit_code, 0);
    ASSERT_EQ(part(single_, "1/2").exit_code, 0);
    fs::copy_file(part_file(1, 2), part_file(2, 2), fs::copy_options::overwrite_existing);
    expect_refused(assemble(single_),
                   {"m.gguf.part-00002-of-00002.gmatpart: duplicate of part 0 of 2, which " + part_file(1, 2).string() +
                    " holds too"});
}

TEST_F(AssembleErrorsTest, PartsOfAnotherProfileAreRefused) {
    const fs::path q8 = write_profile(dir_ / "q8.json", "q8_0", 0);
    ASSERT_EQ(part(single_, "0/2").exit_code, 0);
    ASSERT_EQ(part(q8, "1/2").exit_code, 0);
    expect_refused(assemble(single_), {part_file(2, 2).string() + ": written with another profile"});
    EXPECT_TRUE(fs::exists(part_file(1, 2)));
}

TEST_F(AssembleErrorsTest, StoreChangedSincePlanningIsRefused) {
    fs::copy(store(), dir_ / "copy.gmat", fs::copy_options::recursive);
    ASSERT_EQ(part(single_, "0/2", dir_ / "copy.gmat").exit_code, 0);
    ASSERT_EQ(part(single_, "1/2", dir_ / "copy.gmat").exit_code, 0);
    std::ofstream(dir_ / "copy.gmat" / "generation_config.json") << "{\"bos_token_id\": 1}\n";
    expect_refused(assemble(single_, dir_ / "copy.gmat"),
                   {part_file(1, 2).string() + ": written from another store or the store changed since",
                    part_file(2, 2).string() + ": written from another store"});
}

TEST_F(AssembleErrorsTest, PartFilesOfDifferentSplitsAreRefused) {
    ASSERT_EQ(part(single_, "0/2").exit_code, 0);
    ASSERT_EQ(part(single_, "0/3").exit_code, 0);
    expect_refused(assemble(single_), {"part files of different splits", "of a 2-part split", "of a 3-part split"});
}

TEST_F(AssembleErrorsTest, DamagedPartDataIsRefusedBeforePublishing) {
    ASSERT_EQ(part(single_, "0/2").exit_code, 0);
    ASSERT_EQ(part(single_, "1/2").exit_code, 0);
    {
        std::fstream f(part_file(2, 2), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-10, std::ios::end);
        f.put('\x5a');
    }
    expect_refused(assemble(single_), {part_file(2, 2).string() + ": tensor data checksum mismatch"});
}

TEST_F(AssembleErrorsTest, DamagedOrMissingSplitFileIsNamed) {
    for (int i = 0; i < 2; ++i) ASSERT_EQ(part(sharded_, std::to_string(i) + "/2").exit_code, 0);
    std::vector<fs::path> splits;
    for (const auto &e : fs::directory_iterator(dir_ / "out"))
        if (e.path().extension() == ".gguf") splits.push_back(e.path());
    std::sort(splits.begin(), splits.end());
    ASSERT_GE(splits.size(), 3u);
    fs::remove(splits[1]);
    {
        std::ofstream f(splits.back(), std::ios::app | std::ios::binary);
        f << "x";
    }
    const ChildResult r = assemble(sharded_);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, splits[1].string() + ": missing (written by part ")) << r.err;
    EXPECT_TRUE(contains(r.err, splits.back().string() + ": differs from what part 1 of 2 wrote")) << r.err;
    EXPECT_TRUE(fs::exists(part_file(1, 2)) && fs::exists(part_file(2, 2))) << "records kept for the next attempt";
}

} // namespace
} // namespace gmat::distributed
