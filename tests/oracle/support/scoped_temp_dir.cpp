#include "support/scoped_temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace oracle::testing {

ScopedTempDir::ScopedTempDir(const std::string &prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    path_ = buffer.data();
}

ScopedTempDir::~ScopedTempDir() {
    if (std::getenv("GMAT_KEEP_TEST_FILES") != nullptr)
        return;
    std::error_code ignored; // a destructor must not throw; a leftover temp dir is harmless
    std::filesystem::remove_all(path_, ignored);
}

} // namespace oracle::testing
