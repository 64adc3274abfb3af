// A fresh temporary model folder per test, removed afterwards.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace gmat::test {

class TestFolder {
public:
    TestFolder();
    ~TestFolder();
    TestFolder(const TestFolder &) = delete;
    TestFolder &operator=(const TestFolder &) = delete;

    const std::filesystem::path &path() const { return path_; }
    // Writes name (a path relative to the folder) with exactly these bytes.
    void write(const std::string &name, std::string_view contents) const;
    void remove(const std::string &name) const;

private:
    std::filesystem::path path_;
};

} // namespace gmat::test
