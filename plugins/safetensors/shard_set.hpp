// Which files make up the checkpoint at a path:
//   - a .safetensors file: itself;
//   - a model.safetensors.index.json (or a folder holding one): the shards its
//     weight_map names, which must all exist; other .safetensors files in the
//     folder are ignored (some repositories also ship a consolidated copy);
//   - a folder without an index: every *.safetensors file in it.
// Shards are listed sorted by file name (model-00001-of-00003 first).
#pragma once

#include "shard_index.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gmat::safetensors {

struct ShardSet {
    std::vector<std::string> files;  // shard paths in listing order
    std::optional<ShardIndex> index; // when set, files[i] is index->shard_names[i]
};

// Throws an IO error when path or a shard the index names does not exist,
// a FORMAT error when a folder holds no safetensors input.
ShardSet discover_shards(const std::string &path);

// How sure we are that path is a safetensors input: 100 for a .safetensors
// file, an index file or a folder holding either; 50 for a file without the
// extension whose first bytes look like a safetensors header; 0 otherwise.
int32_t probe_score(const std::string &path) noexcept;

} // namespace gmat::safetensors
