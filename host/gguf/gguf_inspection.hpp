// A GGUF output as `gmat inspect` shows it: one file or a split set (a folder,
// or any shard of <stem>-0000K-of-0000N.gguf), read with GgufReader, every
// tensor's bytes derived from its type and shape and checked to lie inside
// its file without overlapping another. Errors name the file and tensor.
#pragma once

#include "imatrix/gguf_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

class PluginRegistry;

struct InspectedTensor {
    std::string name;
    uint32_t ggml_type = 0;
    std::string type_name;     // "q4_k", or "type 40" when unknown
    std::vector<uint64_t> ne;  // ggml order
    uint64_t elements = 0;
    std::optional<uint64_t> bytes; // unknown for a type neither ggml's table nor a plugin knows
    uint32_t file = 0;         // index into files
};

struct InspectedGguf {
    std::vector<std::filesystem::path> files;         // shard order
    std::vector<std::unique_ptr<GgufReader>> readers; // one per file
    std::vector<InspectedTensor> tensors;             // in file order, shard by shard
    uint64_t tensor_bytes = 0;                        // of tensors whose size is known
    uint64_t elements = 0;
    const Metadata &metadata() const { return readers.front()->metadata(); } // the first file's key/values
};

// ggml's block geometry for a ggml_type id: {elements, bytes} per block; nullopt when unknown.
std::optional<std::pair<uint32_t, uint32_t>> ggml_block_geometry(uint32_t ggml_type);
std::string ggml_type_label(uint32_t ggml_type); // "q4_k", "f32", ... or "type N"

// The GGUF files at path: the file itself and, for a shard name, its
// siblings; or every *.gguf in a folder (which must form one split set).
std::vector<std::filesystem::path> gguf_files_at(const std::filesystem::path &path);

// registry (may be null) names plugin-provided types ggml's table lacks.
InspectedGguf inspect_gguf(const std::vector<std::filesystem::path> &files, const PluginRegistry *registry);

// One line for a value: numbers, strings in quotes, arrays as "[n type: a, b, c, ...]".
std::string metadata_value_text(const MetadataValue &value, size_t max_items = 8);

} // namespace gmat
