#include "test_folder.hpp"

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace gmat::test {

TestFolder::TestFolder() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gmat-tokenizer-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TestFolder::~TestFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void TestFolder::write(const std::string &name, std::string_view contents) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

void TestFolder::remove(const std::string &name) const { std::filesystem::remove(path_ / name); }

} // namespace gmat::test
