// `gmat inspect FILE.gguf` (or a folder of split files): key/values, the
// tensor table with types, sizes and bits per weight, gmat's provenance and
// the profile that made the file; with --against STORE --config PROFILE,
// whether re-exporting would write the same bytes (exit 1 when not).
#pragma once

#include "cli/commands.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace gmat::cli {

struct InspectGgufArgs {
    std::filesystem::path path;
    std::filesystem::path against; // a store; empty: no comparison
    std::string config;            // the profile (empty: the default one)
    std::string imatrix;
    std::optional<uint64_t> shard_size_mb;
    bool all_values = false; // print whole arrays and strings
};

bool is_gguf_path(const std::filesystem::path &path);
void inspect_gguf_command(GlobalOptions &global, const InspectGgufArgs &args);

} // namespace gmat::cli
