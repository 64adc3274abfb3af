// gmat import: a source checkpoint into a new store, tensor by tensor, in
// parallel, with bounded memory; the store appears only when complete.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>

namespace gmat {

struct ImportOptions {
    std::filesystem::path model;                     // a file or a folder of a checkpoint
    std::filesystem::path output_dir = "output";     // the store is output_dir/model.gmat
    std::optional<std::filesystem::path> config;     // import_config.json; generated when absent
    unsigned threads = 0;                            // 0: all cores
    bool force = false;                              // replace an existing store
    bool progress = true;
};

struct ImportSummary {
    std::filesystem::path store;
    size_t tensors = 0;
    uint64_t bytes = 0;
    double seconds = 0;
};

ImportSummary run_import(const PluginRegistry &registry, const ImportOptions &options, std::ostream &log);

// The folder holding a checkpoint's config.json and tokenizer files.
std::filesystem::path model_folder_of(const std::filesystem::path &model);

// Removes temporaries left by a killed run (pid no longer alive) next to target.
void remove_stale_temporaries(const std::filesystem::path &target);

} // namespace gmat
