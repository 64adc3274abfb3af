// Shared set-up for the distributed export tests: the built gmat binary (run
// with a chosen environment, so Slurm's and Kubernetes' variables can be set),
// a small Llama checkpoint and its store made once per process, profiles.
#pragma once

#include "child_process.hpp"
#include "scratch_folder.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gmat::distributed {

using test::ChildResult;
using test::contains;
using test::file_bytes;
using DistributedTest = test::ScratchFolderTest;

// Runs `gmat -q args...` with SLURM_* and JOB_COMPLETION_INDEX removed from
// the environment and env ("NAME=value") added.
ChildResult run_gmat(const std::vector<std::string> &args, const std::vector<std::string> &env = {});

// A 2-layer Llama, hidden 256 (rows fit Q4_K's 256-value blocks), F32, two
// safetensors shards: imported once per process.
const std::filesystem::path &checkpoint();
const std::filesystem::path &store();

// Writes an export profile: default_type and shard_size (0 = one file).
std::filesystem::path write_profile(const std::filesystem::path &file, const std::string &default_type,
                                    uint64_t shard_size);

// Relative path -> bytes of every regular file under dir.
std::map<std::string, std::vector<uint8_t>> tree_bytes(const std::filesystem::path &dir);

} // namespace gmat::distributed
