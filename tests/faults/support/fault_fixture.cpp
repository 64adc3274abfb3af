#include "fault_fixture.hpp"

#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::faults {

namespace {
fs::path process_root() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-faults-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-faults-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}
} // namespace

fs::path gmat_binary() { return GMAT_CLI_PATH; }

ChildResult run_gmat(const std::vector<std::string> &args, const ChildOptions &options) {
    std::vector<std::string> all{"-q"};
    all.insert(all.end(), args.begin(), args.end());
    return run_child(gmat_binary(), all, options);
}

const fs::path &checkpoint(const std::string &key, const reference::CheckpointOptions &options) {
    static std::map<std::string, fs::path> made;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    auto it = made.find(key);
    if (it != made.end()) return it->second;
    const fs::path dir = process_root() / "checkpoints" / key;
    reference::make_llama_checkpoint(dir, options);
    return made.emplace(key, dir).first->second;
}

const fs::path &small_checkpoint() { return checkpoint("small", {}); }

const fs::path &large_checkpoint() {
    reference::CheckpointOptions o;
    o.hidden = 256;
    o.intermediate = 704;
    o.layers = 4;
    o.heads = 8;
    o.kv_heads = 4;
    o.vocab = 4096;
    o.seed = 3;
    return checkpoint("large", o);
}

namespace {
fs::path import_once(const fs::path &checkpoint, const std::string &name) {
    const fs::path out = process_root() / name;
    const ChildResult r = run_gmat({"import", "-m", checkpoint.string(), "-o", out.string()});
    if (r.exit_code != 0) throw std::runtime_error("importing " + checkpoint.string() + " failed: " + r.describe());
    return out / "model.gmat";
}
} // namespace

const fs::path &small_store() {
    static const fs::path store = import_once(small_checkpoint(), "small-store");
    return store;
}

const fs::path &large_store() {
    static const fs::path store = import_once(large_checkpoint(), "large-store");
    return store;
}

std::vector<uint8_t> file_bytes(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

FileTree tree_bytes(const fs::path &dir) {
    FileTree tree;
    if (!fs::exists(dir)) return tree;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) tree[fs::relative(e.path(), dir).string()] = file_bytes(e.path());
    return tree;
}

std::vector<fs::path> temporaries_in(const fs::path &dir) {
    std::vector<fs::path> found;
    // A running gmat creates, renames and removes entries while this looks:
    // a vanished entry ends the walk early instead of throwing.
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().find(".gmat-tmp-") != std::string::npos) found.push_back(it->path());
    return found;
}

void flip_byte(const fs::path &file, uint64_t offset, uint8_t mask) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ mask);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
    if (!f) throw std::runtime_error("cannot flip byte " + std::to_string(offset) + " of " + file.string());
}

bool contains(const std::string &text, const std::string &fragment) { return text.find(fragment) != std::string::npos; }

void FaultTest::SetUp() {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char &c : name)
        if (c == '/') c = '_';
    dir_ = process_root() / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
}

void FaultTest::TearDown() {
    if (!HasFailure()) fs::remove_all(dir_);
}

} // namespace gmat::faults
