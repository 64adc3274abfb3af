// A fresh directory under the system temp folder, removed with its contents
// when the object goes away (set GMAT_KEEP_TEST_FILES to keep it for a look).
#pragma once

#include <filesystem>
#include <string>

namespace oracle::testing {

class ScopedTempDir {
public:
    explicit ScopedTempDir(const std::string &prefix = "gmat-oracle");
    ~ScopedTempDir();
    ScopedTempDir(const ScopedTempDir &) = delete;
    ScopedTempDir &operator=(const ScopedTempDir &) = delete;

    const std::filesystem::path &path() const { return path_; }
    std::filesystem::path operator/(const std::string &name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace oracle::testing
