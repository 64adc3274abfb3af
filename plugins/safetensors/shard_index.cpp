#include "shard_index.hpp"

#include "errors.hpp"
#include "header.hpp"
#include "json_text.hpp"
#include "mapped_file.hpp"

#include <algorithm>
#include <filesystem>

namespace gmat::safetensors {

namespace {

// Shards must live in the index's folder tree: never absolute, never "..".
void check_shard_name(const std::string &index, const std::string &tensor, const std::string &shard) {
    const std::filesystem::path p(shard);
    bool escapes = shard.empty() || p.is_absolute();
    for (const auto &part : p) escapes |= part == "..";
    if (escapes)
        format_error(index, "weight_map maps tensor '" + tensor + "' to '" + shard +
                                "'; shard names must be non-empty relative paths inside the index's folder");
}

void add_mapping(ShardIndex &index, const rapidjson::Value::Member &m) {
    const std::string tensor(m.name.GetString(), m.name.GetStringLength());
    if (tensor.empty() || tensor.find('\0') != std::string::npos)
        format_error(index.path, "weight_map has an empty tensor name or one containing NUL");
    if (!m.value.IsString())
        format_error(index.path, "weight_map value of tensor '" + tensor + "' must be a shard file name, found " +
                                     json_type_name(m.value));
    const std::string shard(m.value.GetString(), m.value.GetStringLength());
    check_shard_name(index.path, tensor, shard);
    if (!index.shard_of.emplace(tensor, shard).second)
        format_error(index.path, "weight_map lists tensor '" + tensor + "' twice");
}

} // namespace

ShardIndex read_shard_index(const std::string &path) {
    const MappedFile file(path);
    if (file.size() > kMaxHeaderBytes)
        format_error(path, "index is " + std::to_string(file.size()) + " bytes, more than the limit of " +
                               std::to_string(kMaxHeaderBytes));
    rapidjson::Document json;
    parse_json_object(path, "index", {reinterpret_cast<const char *>(file.data()), file.size()}, json);

    ShardIndex index{path, {}, {}};
    const auto weight_map = json.FindMember("weight_map");
    if (weight_map == json.MemberEnd()) format_error(path, "index has no \"weight_map\" object");
    if (!weight_map->value.IsObject())
        format_error(path, std::string("\"weight_map\" must be an object of tensor name -> shard file, found ") +
                               json_type_name(weight_map->value));
    for (const auto &m : weight_map->value.GetObject()) add_mapping(index, m);
    if (index.shard_of.empty()) format_error(path, "weight_map lists no tensors");

    for (const auto &[tensor, shard] : index.shard_of) index.shard_names.push_back(shard);
    std::sort(index.shard_names.begin(), index.shard_names.end());
    index.shard_names.erase(std::unique(index.shard_names.begin(), index.shard_names.end()), index.shard_names.end());
    return index;
}

} // namespace gmat::safetensors
