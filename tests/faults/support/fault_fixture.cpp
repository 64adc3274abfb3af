#include "fault_fixture.hpp"

#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::faults {

using test::process_root;

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

const fs::path &large_checkpoint() { return checkpoint("large", reference::slow_checkpoint_options()); }

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

FileTree tree_bytes(const fs::path &dir) {
    FileTree tree;
    if (!fs::exists(dir)) return tree;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) tree[fs::relative(e.path(), dir).string()] = file_bytes(e.path());
    return tree;
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

} // namespace gmat::faults
