#include "shard_naming.hpp"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

namespace gmat::gguf {

namespace fs = std::filesystem;

std::vector<fs::path> shard_paths(const fs::path &path, uint32_t shard_count) {
    if (shard_count == 1) return {path};
    std::string stem = path.string();
    const std::string extension = ".gguf";
    if (stem.size() > extension.size() && stem.ends_with(extension)) stem.resize(stem.size() - extension.size());
    std::vector<fs::path> paths;
    paths.reserve(shard_count);
    for (uint32_t i = 1; i <= shard_count; ++i) {
        char suffix[32];
        std::snprintf(suffix, sizeof suffix, "-%05u-of-%05u.gguf", i, shard_count);
        paths.emplace_back(stem + suffix);
    }
    return paths;
}

fs::path temporary_path_for(const fs::path &final_path) {
    // The random part keeps two writers of one process (or a crashed run's
    // leftovers with a reused pid) from colliding; creation still uses O_EXCL.
    thread_local std::mt19937_64 random{std::random_device{}()};
    char tag[64];
    std::snprintf(tag, sizeof tag, ".gmat-tmp-%ld-%08llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(random() & 0xffffffffULL));
    return final_path.parent_path() / ("." + final_path.filename().string() + tag);
}

} // namespace gmat::gguf
