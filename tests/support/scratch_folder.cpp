#include "scratch_folder.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;

namespace gmat::test {

namespace {
fs::path root_for_this_process() { return fs::temp_directory_path() / ("gmat-tests-" + std::to_string(::getpid())); }
} // namespace

const fs::path &process_root() {
    static const fs::path root = [] {
        const fs::path p = root_for_this_process();
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(root_for_this_process()); });
        return p;
    }();
    return root;
}

void ScratchFolderTest::SetUp() {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char &c : name)
        if (c == '/') c = '_'; // parameterized names
    dir_ = process_root() / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
}

void ScratchFolderTest::TearDown() {
    if (!HasFailure()) fs::remove_all(dir_);
}

std::vector<uint8_t> file_bytes(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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

bool contains(const std::string &text, const std::string &fragment) { return text.find(fragment) != std::string::npos; }

} // namespace gmat::test
