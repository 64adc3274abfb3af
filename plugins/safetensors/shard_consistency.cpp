#include "shard_consistency.hpp"

#include "errors.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace gmat::safetensors {

namespace {

// Each shard's tensors must be listed in the weight_map, mapped to that shard.
void check_shard_listed(const ShardIndex &index, const std::string &shard_name, const SafetensorsFile &shard) {
    for (const TensorEntry &t : shard.tensors()) {
        const auto mapped = index.shard_of.find(t.name);
        if (mapped == index.shard_of.end())
            tensor_format_error(shard.path(), t.name, "not listed in the weight_map of " + index.path);
        if (mapped->second != shard_name)
            tensor_format_error(shard.path(), t.name,
                                "is in this shard, but " + index.path + " maps it to '" + mapped->second +
                                    "'; a tensor must be in the shard the index names");
    }
}

} // namespace

void check_against_index(const ShardIndex &index, const std::vector<std::unique_ptr<SafetensorsFile>> &shards) {
    std::map<std::string_view, std::set<std::string_view>> present; // shard name -> its tensors
    for (size_t i = 0; i < shards.size(); ++i) {
        check_shard_listed(index, index.shard_names[i], *shards[i]);
        for (const TensorEntry &t : shards[i]->tensors()) present[index.shard_names[i]].insert(t.name);
    }
    for (const auto &[tensor, shard] : index.shard_of)
        if (!present[shard].count(tensor))
            format_error(index.path, "weight_map maps tensor '" + tensor + "' to '" + shard +
                                         "', but that shard has no such tensor");
}

void check_unique_across_shards(const std::vector<std::unique_ptr<SafetensorsFile>> &shards) {
    std::map<std::string_view, const SafetensorsFile *> owner;
    for (const auto &shard : shards)
        for (const TensorEntry &t : shard->tensors()) {
            const auto [it, inserted] = owner.emplace(t.name, shard.get());
            if (!inserted)
                tensor_format_error(shard->path(), t.name,
                                    "also present in " + it->second->path() +
                                        "; without an index a tensor name must appear in only one shard");
        }
}

} // namespace gmat::safetensors
