// Checkpoints that ship low-precision weights with scale tensors, as named by
// config.json's quantization_config:
//   quant_method "fp8" + weight_block_size [br, bc] (DeepSeek-V3, Kimi K2,
//     Qwen3-FP8): X.weight F8_E4M3 with X.weight_scale_inv [ceil(rows/br), ceil(cols/bc)].
//   quant_method "compressed-tensors" (FP8): X.weight F8 with X.weight_scale
//     per tensor ([] / [1]) or per output channel ([rows] / [rows, 1]); an
//     X.input_scale is kept as a second companion and never applied.
//   quant_method "mxfp4" (GPT-OSS): X_blocks U8 [..., rows, cols/32, 16] with
//     X_scales U8 [..., rows, cols/32]; the logical tensor is named X.
// Each becomes one import_config tensor_map entry with a "source_encoding";
// the scale tensors are its companions, never entries of their own.
#pragma once

#include "plugins/source_reader.hpp"
#include "store/source_encoding.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace gmat {

struct TensorMapping;

// An entry's "source_encoding" object in import_config.json.
struct SourceEncodingRequest {
    SourceScheme scheme = SourceScheme::fp8_block;
    uint32_t block_rows = 0, block_cols = 0;
    std::string scales;      // companion 0: the scale tensor's source name
    std::string input_scale; // fp8 only, optional: companion 1 (kept, not applied)
};

SourceEncodingRequest parse_source_encoding_request(const rapidjson::Value &v, const std::string &context);
rapidjson::Value source_encoding_request_to_json(const SourceEncodingRequest &r, rapidjson::Document::AllocatorType &a);

// What an entry stores: the logical name, dtype, shape and layout, and the
// reader indexes of its parts (data first, then companions).
struct LogicalTensor {
    std::string name;
    gmat_dtype dtype = GMAT_DTYPE_F32;
    std::vector<uint64_t> shape;
    SourceLayout layout;
    std::vector<size_t> parts;
    uint64_t bytes = 0;
};

// Resolves an entry against the opened checkpoint; throws naming where (the
// config entry), the file and tensor of the problem.
// index_of maps source names to reader indexes.
LogicalTensor resolve_logical_tensor(const std::string &source, const std::optional<SourceEncodingRequest> &encoding,
                                     const SourceReader &reader,
                                     const std::unordered_map<std::string, size_t> &index_of, const std::string &where);

// Generated entries for a checkpoint whose config.json (hf_config) has a
// quantization_config; std::nullopt when it has none. Throws for an unknown
// quant_method or a scale tensor without its weight.
std::optional<std::vector<TensorMapping>> generate_encoded_mappings(const SourceReader &reader,
                                                                    const std::filesystem::path &hf_config);

} // namespace gmat
