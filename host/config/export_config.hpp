// Export profiles (export_config.json, the seed's schema): a default type,
// per-tensor overrides, tensor names, sharding and special token ids.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gmat {

struct ExportConfig {
    std::string target_format = "gguf";
    std::string default_type = "q8_0";           // a mix (q4_k_m) or a block type (q8_0)
    std::string scale_optimization = "standard"; // or "trellis": slower, see README
    double trellis_lambda = 0.3;
    // Keys are tensor UUIDs, GGUF tensor names, or regular expressions over
    // GGUF names; UUID beats name beats regex, first regex in file order wins.
    // Every key must match a tensor (see allow_unmatched); an invalid
    // expression is an error.
    std::vector<std::pair<std::string, std::string>> per_tensor;
    // Keys that match no tensor are errors unless this is set (a profile
    // shared by several models); then each becomes a printed note.
    bool allow_unmatched = false;
    std::vector<std::pair<std::string, std::string>> tensor_map; // uuid -> GGUF name
    std::optional<uint64_t> shard_size;                          // bytes
    std::map<std::string, int64_t> special_token_keys;           // "bos" -> id ...
    std::optional<std::string> imatrix; // llama.cpp importance matrix (GGUF or .dat), relative to the config's folder
    // default_type "auto" chooses each tensor's type under one of these
    // budgets (host/auto): bits per weight of the tensor data, or bytes of
    // the output files (a number, or a text with a unit: "8GB", "7.5GiB").
    std::optional<double> target_bpw;
    std::optional<uint64_t> target_size;
    // The types `auto` may choose from, as listed (quantization.auto_types or
    // --auto-types). Empty: every loaded type except f32 and the slow-search
    // (lattice) types.
    std::vector<std::string> auto_types;
};

// default_type "auto": types chosen under target_bpw or target_size.
bool is_auto_type(const ExportConfig &config);

inline const std::vector<std::string> &scale_optimizations() {
    static const std::vector<std::string> names{"standard", "trellis"};
    return names;
}

ExportConfig parse_export_config(const std::filesystem::path &file);
ExportConfig parse_export_config_text(const std::string &text, const std::string &context);
void write_export_config(const std::filesystem::path &file, const ExportConfig &config,
                         const std::vector<std::pair<std::string, std::string>> &comments = {});
// The JSON write_export_config writes (without comments): the same profile gives the same text.
std::string export_config_text(const ExportConfig &config);

} // namespace gmat
