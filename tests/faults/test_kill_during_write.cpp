// SIGKILL at several moments while `gmat import` and `gmat export` write.
// Whatever the moment, the final name holds the previous output, the complete
// new one, or nothing: never a truncated or mixed file. The next run then
// succeeds and removes the dead run's temporaries.
#include "fault_fixture.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <thread>

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

struct KillPoint {
    std::string name;
    std::function<bool(const fs::path &out_dir)> reached; // empty: kill after `delay`
    std::chrono::milliseconds delay{0};
};

uint64_t largest_temporary(const fs::path &dir) {
    uint64_t largest = 0;
    std::error_code ec;
    for (const auto &t : temporaries_in(dir))
        if (fs::is_regular_file(t, ec)) largest = std::max<uint64_t>(largest, fs::file_size(t, ec));
    return largest;
}

size_t staged_tensor_files(const fs::path &dir) {
    size_t n = 0;
    for (const auto &t : temporaries_in(dir)) {
        std::error_code ec;
        for (fs::directory_iterator it(t / "tensors", ec), end; !ec && it != end; it.increment(ec))
            n += it->path().extension() == ".gmat";
    }
    return n;
}

bool staged_metadata(const fs::path &dir) {
    std::error_code ec;
    for (const auto &t : temporaries_in(dir))
        if (fs::exists(t / "metadata.json", ec)) return true;
    return false;
}

// Starts args, kills it at point, and returns whether a temporary existed when it died.
bool start_and_kill(const std::vector<std::string> &args, const fs::path &watch, const KillPoint &point) {
    std::vector<std::string> all{"-q"};
    all.insert(all.end(), args.begin(), args.end());
    ChildProcess child(gmat_binary(), all);
    if (point.reached)
        wait_until(child, [&] { return point.reached(watch); });
    else
        std::this_thread::sleep_for(point.delay);
    child.kill_now();
    const ChildResult r = child.wait();
    return r.signal == SIGKILL && !temporaries_in(watch).empty();
}

class KillDuringWrite : public FaultTest {
protected:
    // The store a clean import of `model` gives, and the GGUF a clean export of it gives.
    static const FileTree &reference_store(const fs::path &model);
    static const std::vector<uint8_t> &reference_gguf();
};

const FileTree &KillDuringWrite::reference_store(const fs::path &model) {
    static std::map<std::string, FileTree> trees;
    auto it = trees.find(model.string());
    if (it != trees.end()) return it->second;
    const fs::path out = fs::temp_directory_path() / ("gmat-faults-ref-" + std::to_string(::getpid()));
    fs::remove_all(out);
    const ChildResult r = run_gmat({"import", "-m", model.string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    FileTree tree = tree_bytes(out / "model.gmat");
    fs::remove_all(out);
    return trees.emplace(model.string(), std::move(tree)).first->second;
}

// q4_k_m with the trellis search: slow enough to be caught mid-write.
std::vector<std::string> export_args(const fs::path &output) {
    return {"export", "-m", large_store().string(), "-o", output.string(), "-t", "2"};
}

const std::vector<uint8_t> &KillDuringWrite::reference_gguf() {
    static const std::vector<uint8_t> bytes = [] {
        const fs::path out = fs::temp_directory_path() / ("gmat-faults-ref-" + std::to_string(::getpid()) + ".gguf");
        const ChildResult r = run_gmat(export_args(out));
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        auto b = file_bytes(out);
        fs::remove(out);
        return b;
    }();
    return bytes;
}

std::vector<KillPoint> import_kill_points() {
    using namespace std::chrono_literals;
    return {
        {"staging folder created", [](const fs::path &d) { return !temporaries_in(d).empty(); }},
        {"first tensor file", [](const fs::path &d) { return staged_tensor_files(d) >= 1; }},
        {"half the tensor files", [](const fs::path &d) { return staged_tensor_files(d) >= 20; }},
        {"metadata.json staged", [](const fs::path &d) { return staged_metadata(d); }},
        {"after 30 ms", {}, 30ms},
        {"after 120 ms", {}, 120ms},
    };
}

std::vector<KillPoint> export_kill_points(uint64_t full_size) {
    using namespace std::chrono_literals;
    return {
        {"temporary created", [](const fs::path &d) { return !temporaries_in(d).empty(); }},
        {"1 MB written", [](const fs::path &d) { return largest_temporary(d) >= 1000000; }},
        {"half written", [=](const fs::path &d) { return largest_temporary(d) >= full_size / 2; }},
        {"all but the last bytes", [=](const fs::path &d) { return largest_temporary(d) >= full_size - 65536; }},
        {"after 50 ms", {}, 50ms},
        {"after 400 ms", {}, 400ms},
    };
}

TEST_F(KillDuringWrite, ImportLeavesNoStoreOrTheCompleteOneAndTheNextRunCleansUp) {
    const FileTree &reference = reference_store(large_checkpoint());
    int mid_write = 0;
    for (const auto &point : import_kill_points()) {
        SCOPED_TRACE("killed at: " + point.name);
        const fs::path out = dir_ / "fresh";
        fs::remove_all(out);
        mid_write += start_and_kill({"import", "-m", large_checkpoint().string(), "-o", out.string()}, out, point);
        const fs::path store = out / "model.gmat";
        if (fs::exists(store)) {
            EXPECT_TRUE(tree_bytes(store) == reference) << "a store under the final name differs";
        }
        const ChildResult again =
            run_gmat({"import", "-m", large_checkpoint().string(), "-o", out.string(), "--force"});
        ASSERT_EQ(again.exit_code, 0) << again.describe();
        EXPECT_TRUE(tree_bytes(store) == reference);
        EXPECT_TRUE(temporaries_in(out).empty()) << "left behind: " << temporaries_in(out).front();
    }
    EXPECT_GE(mid_write, 3) << "too few kills landed while temporaries existed to test anything";
    RecordProperty("kills_mid_write", mid_write);
    std::printf("import: %d of %zu kills landed mid-write\n", mid_write, import_kill_points().size());
}

TEST_F(KillDuringWrite, ImportWithForceKeepsThePreviousStoreUntilTheNewOneIsComplete) {
    const FileTree &previous = reference_store(small_checkpoint());
    const FileTree &replacement = reference_store(large_checkpoint());
    int mid_write = 0;
    for (const auto &point : import_kill_points()) {
        SCOPED_TRACE("killed at: " + point.name);
        const fs::path out = dir_ / "replace";
        fs::remove_all(out);
        ASSERT_EQ(run_gmat({"import", "-m", small_checkpoint().string(), "-o", out.string()}).exit_code, 0);
        mid_write += start_and_kill({"import", "-m", large_checkpoint().string(), "-o", out.string(), "--force"},
                                    out, point);
        const FileTree now = tree_bytes(out / "model.gmat");
        EXPECT_TRUE(now == previous || now == replacement)
            << "model.gmat is neither the previous store nor the complete new one (" << now.size() << " files)";
        const ChildResult again =
            run_gmat({"import", "-m", large_checkpoint().string(), "-o", out.string(), "--force"});
        ASSERT_EQ(again.exit_code, 0) << again.describe();
        EXPECT_TRUE(tree_bytes(out / "model.gmat") == replacement);
        EXPECT_TRUE(temporaries_in(out).empty()) << "left behind: " << temporaries_in(out).front();
    }
    EXPECT_GE(mid_write, 3);
    std::printf("import --force: %d of %zu kills landed mid-write\n", mid_write, import_kill_points().size());
}

TEST_F(KillDuringWrite, ExportLeavesThePreviousFileOrTheCompleteOneAndTheNextRunCleansUp) {
    const std::vector<uint8_t> &reference = reference_gguf();
    const std::vector<uint8_t> previous(12345, 0x5a); // stands for an older export at the same path
    int mid_write = 0;
    for (bool had_previous : {false, true}) {
        for (const auto &point : export_kill_points(reference.size())) {
            SCOPED_TRACE("killed at: " + point.name + (had_previous ? ", over a previous file" : ""));
            const fs::path out = dir_ / "gguf", file = out / "model.gguf";
            fs::remove_all(out);
            fs::create_directories(out);
            if (had_previous)
                std::ofstream(file, std::ios::binary)
                    .write(reinterpret_cast<const char *>(previous.data()), static_cast<std::streamsize>(previous.size()));
            mid_write += start_and_kill(export_args(file), out, point);
            if (fs::exists(file)) {
                const auto now = file_bytes(file);
                EXPECT_TRUE(now == reference || (had_previous && now == previous))
                    << "model.gguf (" << now.size() << " bytes) is neither the previous file nor the complete export";
            } else {
                EXPECT_FALSE(had_previous) << "the previous model.gguf disappeared";
            }
            const ChildResult again = run_gmat(export_args(file));
            ASSERT_EQ(again.exit_code, 0) << again.describe();
            EXPECT_TRUE(file_bytes(file) == reference);
            const auto left = temporaries_in(out);
            EXPECT_TRUE(left.empty()) << "the next export did not remove the killed export's temporary "
                                      << left.front().filename() << " (" << left.size() << " left)";
        }
    }
    EXPECT_GE(mid_write, 6);
    RecordProperty("kills_mid_write", mid_write);
    std::printf("export: %d of %zu kills landed mid-write\n", mid_write, 2 * export_kill_points(1).size());
}

} // namespace
} // namespace gmat::faults
