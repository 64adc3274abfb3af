// model.safetensors.index.json: which shard file holds each tensor of a
// sharded checkpoint ({"metadata": {...}, "weight_map": {tensor: file}}).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gmat::safetensors {

constexpr const char *kIndexFileName = "model.safetensors.index.json";

struct ShardIndex {
    std::string path;                                         // the index file itself
    std::map<std::string, std::string, std::less<>> shard_of; // tensor name -> shard file name as written
    std::vector<std::string> shard_names;                     // the distinct shard file names, sorted
};

// Reads and validates an index file. Throws a FORMAT error naming it and the
// broken rule (weight_map missing or not an object, a tensor listed twice, a
// shard name that is not a relative path inside the index's folder...).
ShardIndex read_shard_index(const std::string &path);

} // namespace gmat::safetensors
