// Where each shard of an output goes, and the hidden name it is written
// under until commit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gmat::gguf {

// One final path per shard. With one shard the path is used as is; with N > 1
// the names follow llama.cpp's split convention, <stem>-00001-of-0000N.gguf,
// where stem is path without a trailing ".gguf".
std::vector<std::filesystem::path> shard_paths(const std::filesystem::path &path, uint32_t shard_count);

// A fresh hidden name next to final_path: .<name>.gmat-tmp-<pid>-<random>.
// Same folder, so the commit is a rename within one file system.
std::filesystem::path temporary_path_for(const std::filesystem::path &final_path);

} // namespace gmat::gguf
