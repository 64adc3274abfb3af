// Two exports from one store at the same time: both succeed and write the
// same bytes, to two paths or to the same path (the last rename wins with a
// complete file either way). The large store's q4_k_m export takes long
// enough (about half a second) for the runs to overlap.
#include "fault_fixture.hpp"

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

class ConcurrentExports : public FaultTest {
protected:
    std::vector<std::string> args(const fs::path &output) {
        return {"-q", "export", "-m", large_store().string(), "-o", output.string(), "-t", "1"};
    }
};

TEST_F(ConcurrentExports, ToTwoPathsBothSucceedWithIdenticalBytes) {
    ChildProcess a(gmat_binary(), args(dir_ / "a.gguf")), b(gmat_binary(), args(dir_ / "b.gguf"));
    const ChildResult ra = a.wait(), rb = b.wait();
    ASSERT_EQ(ra.exit_code, 0) << ra.describe();
    ASSERT_EQ(rb.exit_code, 0) << rb.describe();
    const auto bytes = file_bytes(dir_ / "a.gguf");
    EXPECT_GT(bytes.size(), 1000000u);
    EXPECT_TRUE(bytes == file_bytes(dir_ / "b.gguf"));
    EXPECT_TRUE(temporaries_in(dir_).empty());
}

TEST_F(ConcurrentExports, ToOnePathBothSucceedAndTheFileIsComplete) {
    const ChildResult reference = run_gmat({"export", "-m", large_store().string(), "-o", (dir_ / "ref.gguf").string()});
    ASSERT_EQ(reference.exit_code, 0) << reference.describe();
    const fs::path out = dir_ / "same" / "model.gguf";
    fs::create_directories(out.parent_path());
    ChildProcess a(gmat_binary(), args(out)), b(gmat_binary(), args(out));
    const ChildResult ra = a.wait(), rb = b.wait();
    ASSERT_EQ(ra.exit_code, 0) << ra.describe();
    ASSERT_EQ(rb.exit_code, 0) << rb.describe();
    EXPECT_TRUE(file_bytes(out) == file_bytes(dir_ / "ref.gguf"));
    EXPECT_TRUE(temporaries_in(out.parent_path()).empty());
}

TEST_F(ConcurrentExports, FourAtOnceWithDifferentThreadCountsAgree) {
    std::vector<std::unique_ptr<ChildProcess>> children;
    for (int i = 0; i < 4; ++i) {
        auto a = args(dir_ / ("m" + std::to_string(i) + ".gguf"));
        a.back() = std::to_string(i + 1);
        children.push_back(std::make_unique<ChildProcess>(gmat_binary(), a));
    }
    for (auto &c : children) {
        const ChildResult r = c->wait();
        ASSERT_EQ(r.exit_code, 0) << r.describe();
    }
    const auto first = file_bytes(dir_ / "m0.gguf");
    for (int i = 1; i < 4; ++i) EXPECT_TRUE(first == file_bytes(dir_ / ("m" + std::to_string(i) + ".gguf"))) << i;
}

} // namespace
} // namespace gmat::faults
