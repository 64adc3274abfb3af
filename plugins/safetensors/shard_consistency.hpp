// The rules that bind the shards of one checkpoint together.
#pragma once

#include "safetensors_file.hpp"
#include "shard_index.hpp"

#include <memory>
#include <vector>

namespace gmat::safetensors {

// With an index: every tensor the weight_map names is in the shard it names,
// and every tensor of every shard is in the weight_map, mapped to that shard.
// shards[i] is the file of index.shard_names[i].
void check_against_index(const ShardIndex &index, const std::vector<std::unique_ptr<SafetensorsFile>> &shards);

// Without an index: no tensor name appears in two shards.
void check_unique_across_shards(const std::vector<std::unique_ptr<SafetensorsFile>> &shards);

} // namespace gmat::safetensors
