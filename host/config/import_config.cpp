#include "config/import_config.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "store/codec_block_format.hpp"
#include "store/tensor_uuid.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace gmat {

const std::vector<std::string> &valid_block_formats() {
    static const std::vector<std::string> formats = [] {
        std::vector<std::string> names;
        for (const auto &[name, meaning] : block_format_choices()) names.push_back(name);
        return names;
    }();
    return formats;
}

void check_block_format(const std::string &block_format, const std::string &context) {
    try {
        tensor_encoding_for_block_format(block_format);
    } catch (const GmatError &e) {
        throw GmatError(context + ": " + e.what());
    }
}

ImportConfig parse_import_config_json(const rapidjson::Value &root, const std::string &context) {
    json::require_object(root, context);
    json::require_only_keys(root, {"source_format", "block_format", "tensor_map", "metadata"}, context, "the import config");
    ImportConfig config;
    if (root.HasMember("source_format"))
        config.source_format = json::require_string(root["source_format"], context + ": source_format");
    if (root.HasMember("block_format"))
        config.block_format = json::require_string(root["block_format"], context + ": block_format");
    check_block_format(config.block_format, context);
    const auto &map = json::require_array(json::require_member(root, "tensor_map", context), context + ": tensor_map");
    for (rapidjson::SizeType i = 0; i < map.Size(); ++i) {
        const std::string where = context + ": tensor_map[" + std::to_string(i) + "]";
        json::require_object(map[i], where);
        json::require_only_keys(map[i], {"source", "target", "include", "source_encoding"}, where, "a tensor_map entry");
        TensorMapping m;
        m.source = json::require_string(json::require_member(map[i], "source", where), where + ".source");
        m.target = json::require_string(json::require_member(map[i], "target", where), where + ".target");
        if (map[i].HasMember("include")) m.include = json::require_bool(map[i]["include"], where + ".include");
        if (map[i].HasMember("source_encoding"))
            m.encoding = parse_source_encoding_request(map[i]["source_encoding"], where + ".source_encoding");
        if (!is_uuid(m.target)) throw GmatError(where + ".target: '" + m.target + "' is not a UUID (8-4-4-4-12 hex digits)");
        config.tensor_map.push_back(std::move(m));
    }
    if (root.HasMember("metadata")) {
        json::require_object(root["metadata"], context + ": metadata");
        config.metadata.CopyFrom(root["metadata"], config.metadata.GetAllocator());
    }
    return config;
}

ImportConfig parse_import_config(const std::filesystem::path &file) {
    const rapidjson::Document doc = json::parse_file(file);
    return parse_import_config_json(doc, file.string());
}

rapidjson::Document import_config_to_json(const ImportConfig &config, rapidjson::Document::AllocatorType *) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto &a = doc.GetAllocator();
    doc.AddMember("source_format", rapidjson::Value(config.source_format.data(), static_cast<rapidjson::SizeType>(config.source_format.size()), a), a);
    doc.AddMember("block_format", rapidjson::Value(config.block_format.data(), static_cast<rapidjson::SizeType>(config.block_format.size()), a), a);
    rapidjson::Value map(rapidjson::kArrayType);
    for (const auto &m : config.tensor_map) {
        rapidjson::Value entry(rapidjson::kObjectType);
        entry.AddMember("source", rapidjson::Value(m.source.data(), static_cast<rapidjson::SizeType>(m.source.size()), a), a);
        entry.AddMember("target", rapidjson::Value(m.target.data(), static_cast<rapidjson::SizeType>(m.target.size()), a), a);
        entry.AddMember("include", m.include, a);
        if (m.encoding) entry.AddMember("source_encoding", source_encoding_request_to_json(*m.encoding, a), a);
        map.PushBack(entry, a);
    }
    doc.AddMember("tensor_map", map, a);
    rapidjson::Value metadata;
    metadata.CopyFrom(config.metadata, a);
    doc.AddMember("metadata", metadata, a);
    return doc;
}

void write_import_config(const std::filesystem::path &file, const ImportConfig &config) {
    json::write_file(file, import_config_to_json(config));
}

namespace {
// The seed's metadata keys, from the HF config.json fields they summarise.
void fill_metadata_from_hf_config(const std::filesystem::path &hf_config, rapidjson::Document &metadata) {
    auto &a = metadata.GetAllocator();
    if (!std::filesystem::exists(hf_config)) return;
    const rapidjson::Document hf = json::parse_file(hf_config);
    if (!hf.IsObject()) throw GmatError(hf_config.string() + ": expected a JSON object");
    if (hf.HasMember("model_type") && hf["model_type"].IsString())
        metadata.AddMember("architecture", rapidjson::Value(hf["model_type"].GetString(), a), a);
    if (hf.HasMember("architectures") && hf["architectures"].IsArray() && !hf["architectures"].Empty() &&
        hf["architectures"][0].IsString())
        metadata.AddMember("hf_architecture", rapidjson::Value(hf["architectures"][0].GetString(), a), a);
    const std::pair<const char *, const char *> keys[] = {
        {"vocab_size", "vocab_size"},
        {"hidden_size", "hidden_size"},
        {"num_hidden_layers", "num_layers"},
        {"num_attention_heads", "num_attention_heads"},
        {"num_key_value_heads", "num_key_value_heads"},
        {"intermediate_size", "intermediate_size"},
        {"max_position_embeddings", "max_position_embeddings"},
    };
    for (const auto &[from, to] : keys) {
        auto it = hf.FindMember(from);
        if (it != hf.MemberEnd() && it->value.IsNumber()) {
            rapidjson::Value v;
            v.CopyFrom(it->value, a);
            metadata.AddMember(rapidjson::Value(to, a), v, a);
        }
    }
}
} // namespace

ImportConfig generate_import_config(const SourceReader &reader, const std::filesystem::path &hf_config) {
    ImportConfig config;
    config.source_format = reader.format();
    if (auto encoded = generate_encoded_mappings(reader, hf_config)) {
        config.tensor_map = std::move(*encoded);
    } else {
        for (const auto &t : reader.tensors())
            config.tensor_map.push_back({t.name, tensor_uuid_for(t.name), is_float_weight_dtype(t.dtype)});
    }
    fill_metadata_from_hf_config(hf_config, config.metadata);
    return config;
}

void validate_import_config(const ImportConfig &config, const SourceReader &reader, const std::string &context) {
    if (config.source_format != reader.format())
        throw GmatError(context + ": source_format is '" + config.source_format + "' but " + reader.path().string() +
                        " was read as '" + reader.format() + "'");
    std::unordered_map<std::string, size_t> index_of;
    for (size_t i = 0; i < reader.tensors().size(); ++i) index_of[reader.tensors()[i].name] = i;
    std::set<std::string> sources, targets;
    std::unordered_map<std::string, std::string> companion_of; // companion source -> the entry using it
    for (size_t i = 0; i < config.tensor_map.size(); ++i) {
        const auto &m = config.tensor_map[i];
        const std::string where = context + ": tensor_map[" + std::to_string(i) + "] (source '" + m.source + "')";
        const auto it = index_of.find(m.source);
        if (it == index_of.end())
            throw GmatError(where + ": no tensor of that name in " + reader.path().string());
        if (!sources.insert(m.source).second) throw GmatError(where + ": source listed twice");
        std::string target = m.target;
        std::transform(target.begin(), target.end(), target.begin(), ::tolower);
        if (!targets.insert(target).second) throw GmatError(where + ": target UUID " + m.target + " used twice");
        const SourceTensor &src = reader.tensors()[it->second];
        if (!m.include) continue;
        if (m.encoding) {
            const LogicalTensor logical = resolve_logical_tensor(m.source, m.encoding, reader, index_of, where);
            for (size_t k = 1; k < logical.parts.size(); ++k) {
                const std::string &name = reader.tensors()[logical.parts[k]].name;
                const auto [at, fresh] = companion_of.emplace(name, m.source);
                if (!fresh)
                    throw GmatError(where + ": source_encoding: '" + name + "' is already the companion of '" + at->second + "'");
            }
            continue;
        }
        if (!is_float_weight_dtype(src.dtype))
            throw GmatError(where + ": dtype " + dtype_name(src.dtype) +
                            " is not supported for weights (F32, F16 and BF16 are; FP8 and MXFP4 weights need a "
                            "\"source_encoding\" naming their scales, which --generate-config writes from config.json's "
                            "quantization_config); set \"include\": false to skip it");
    }
    for (size_t i = 0; i < config.tensor_map.size(); ++i) {
        const auto &m = config.tensor_map[i];
        const auto it = companion_of.find(m.source);
        if (m.include && it != companion_of.end())
            throw GmatError(context + ": tensor_map[" + std::to_string(i) + "] (source '" + m.source +
                            "'): it is the scale companion of '" + it->second + "', not a tensor of its own");
    }
}

} // namespace gmat
