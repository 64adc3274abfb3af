// A write that fails part way (the file-size limit reached: EFBIG, as a full
// disk gives ENOSPC) ends the run with an error naming the file and the
// cause, and leaves nothing behind: no store, no GGUF, no temporary.
#include "fault_fixture.hpp"

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

class WriteFailure : public FaultTest {};

constexpr uint64_t kLimit = 64 * 1024; // below the small checkpoint's largest tensor (128 KB)

TEST_F(WriteFailure, ImportStopsWithAClearErrorAndLeavesNothing) {
    const fs::path out = dir_ / "out";
    const ChildResult r = run_gmat({"import", "-m", small_checkpoint().string(), "-o", out.string()},
                                   {.file_size_limit = kLimit});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "File too large")) << r.err;
    EXPECT_TRUE(contains(r.err, ".gmat")) << "the error names the tensor file being written: " << r.err;
    EXPECT_FALSE(fs::exists(out / "model.gmat"));
    EXPECT_TRUE(temporaries_in(out).empty()) << "left behind: " << temporaries_in(out).front();
}

TEST_F(WriteFailure, ExportStopsWithAClearErrorAndLeavesNothing) {
    const fs::path out = dir_ / "out";
    fs::create_directories(out);
    for (const char *type : {"f32", "q8_0"}) {
        SCOPED_TRACE(type);
        const fs::path config = dir_ / (std::string(type) + ".json");
        std::ofstream(config) << R"({"quantization": {"default_type": ")" << type << R"("}})";
        const ChildResult r = run_gmat({"export", "-m", small_store().string(), "-c", config.string(), "-o",
                                        (out / "model.gguf").string()},
                                       {.file_size_limit = 64 * 1024});
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_TRUE(contains(r.err, "File too large")) << r.err;
        EXPECT_TRUE(contains(r.err, "model.gguf")) << r.err;
        const std::string path = (out / "model.gguf").string();
        EXPECT_EQ(r.err.find(path), r.err.rfind(path)) << "the file is named once: " << r.err;
        EXPECT_TRUE(fs::is_empty(out)) << "left behind: " << fs::directory_iterator(out)->path();
    }
}

TEST_F(WriteFailure, ExportOverAnOlderFileKeepsIt) {
    const fs::path file = dir_ / "model.gguf";
    std::ofstream(file) << "an older export";
    const ChildResult r = run_gmat({"export", "-m", small_store().string(), "-o", file.string()},
                                   {.file_size_limit = 64 * 1024});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    const auto kept = file_bytes(file);
    EXPECT_EQ(std::string(kept.begin(), kept.end()), "an older export");
    EXPECT_TRUE(temporaries_in(dir_).empty());
}

} // namespace
} // namespace gmat::faults
