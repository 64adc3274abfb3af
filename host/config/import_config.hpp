// import_config.json: which source tensors go into the store, under which
// UUID, with which storage format, plus model metadata (schema of the seed).
#pragma once

#include "config/source_encodings.hpp"
#include "plugins/source_reader.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

struct TensorMapping {
    std::string source; // source tensor name
    std::string target; // UUID
    bool include = true;
    // FP8 / MXFP4 weights: how the source's scales go with it (see source_encodings.hpp).
    std::optional<SourceEncodingRequest> encoding = std::nullopt;
};

struct ImportConfig {
    std::string source_format = "safetensors";
    std::string block_format = "raw";
    std::vector<TensorMapping> tensor_map;
    rapidjson::Document metadata; // a JSON object of model facts

    ImportConfig() { metadata.SetObject(); }
};

// Storage formats a store can be written in ("raw", "zstd"). The seed's block
// format names (B8x4, B8x8, B16x4, B16x8, DualRow...) are accepted too, as a
// request for a compact store, and stored with zstd (see
// store/codec_block_format.hpp; the import prints seed_block_format_notice).
const std::vector<std::string> &valid_block_formats();
// Throws naming context and the valid choices for an unknown name.
void check_block_format(const std::string &block_format, const std::string &context);

ImportConfig parse_import_config(const std::filesystem::path &file);
ImportConfig parse_import_config_json(const rapidjson::Value &root, const std::string &context);
rapidjson::Document import_config_to_json(const ImportConfig &config, rapidjson::Document::AllocatorType *alloc = nullptr);
void write_import_config(const std::filesystem::path &file, const ImportConfig &config);

// A config mapping every tensor of the source, with metadata from hf_config
// (config.json; may not exist).
ImportConfig generate_import_config(const SourceReader &reader, const std::filesystem::path &hf_config);

// Checks config against the opened source: every source tensor exists, names
// and UUIDs are unique, included tensors are float weights or carry a source
// encoding whose companions fit, and no companion is also an entry. Errors
// name the entry.
void validate_import_config(const ImportConfig &config, const SourceReader &reader, const std::string &context);

} // namespace gmat
