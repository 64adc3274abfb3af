// The same inputs give the same bytes: a store's files for any thread count
// and run, and a GGUF for any thread count and run (as separate processes, so
// nothing cached in one process can hide a difference).
#include "fault_fixture.hpp"

#include <fstream>
#include <optional>

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

class Determinism : public FaultTest {};

TEST_F(Determinism, ImportWritesIdenticalStoresForAnyThreadCountAndRun) {
    std::optional<FileTree> first;
    int runs = 0;
    for (const char *threads : {"1", "2", "4", "2"}) {
        const fs::path out = dir_ / ("t" + std::to_string(runs++));
        const ChildResult r = run_gmat({"import", "-m", large_checkpoint().string(), "-o", out.string(), "-t", threads});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        const FileTree tree = tree_bytes(out / "model.gmat");
        ASSERT_GT(tree.size(), 30u);
        if (!first) first = tree;
        for (const auto &[path, bytes] : tree)
            EXPECT_TRUE(first->count(path) && first->at(path) == bytes) << path << " differs with -t " << threads;
        EXPECT_EQ(tree.size(), first->size());
    }
}

TEST_F(Determinism, ExportWritesIdenticalFilesForAnyThreadCountAndRun) {
    for (const char *type : {"q4_k_m", "q8_0"}) {
        SCOPED_TRACE(type);
        const fs::path config = dir_ / (std::string(type) + ".json");
        std::ofstream(config) << R"({"quantization": {"default_type": ")" << type << R"("}})";
        std::optional<std::vector<uint8_t>> first;
        int runs = 0;
        for (const char *threads : {"1", "2", "3", "2"}) {
            const fs::path out = dir_ / (std::string(type) + "-" + std::to_string(runs++) + ".gguf");
            const ChildResult r = run_gmat({"export", "-m", large_store().string(), "-c", config.string(), "-o",
                                            out.string(), "-t", threads});
            ASSERT_EQ(r.exit_code, 0) << r.describe();
            const auto bytes = file_bytes(out);
            if (!first) first = bytes;
            EXPECT_TRUE(bytes == *first) << "differs with -t " << threads;
        }
    }
}

} // namespace
} // namespace gmat::faults
