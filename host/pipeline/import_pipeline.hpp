// gmat import: a source checkpoint into a new store, tensor by tensor, in
// parallel, with bounded memory; the store appears only when complete.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <utility>

namespace gmat {

struct ImportOptions {
    std::filesystem::path model;                     // a file or a folder of a checkpoint
    std::filesystem::path output_dir = "output";     // the store is output_dir/model.gmat
    std::optional<std::filesystem::path> repository; // --into: the store is REPO/models/<model_name>/model.gmat
    std::string model_name;                          // with repository; empty: the checkpoint folder's name
    std::optional<std::filesystem::path> base;       // --base: a store to write deltas against
    std::optional<std::filesystem::path> config;     // import_config.json; generated when absent
    std::optional<std::string> block_format;         // overrides the config's block_format ("raw", "zstd"...)
    unsigned threads = 0;                            // 0: all cores
    bool force = false;                              // replace an existing store
    bool progress = true;
    // Distributed import into a repository (--part I/N): import only the
    // source files (safetensors shards) of part index of count, balanced by
    // bytes, into the partial store REPO/models/<name>.part-0000I-of-0000N
    // (a model gc keeps); re-running a part replaces its partial store.
    std::optional<std::pair<uint32_t, uint32_t>> part; // index (from 0), count
    // --assemble: once every part is in, write <name>'s store from the
    // partial stores (byte-identical to a one-machine import) and remove them.
    bool assemble = false;
};

// One file per tensor: a bound that keeps a hostile or broken checkpoint from
// creating millions of files and holding their metadata in memory.
inline constexpr size_t kMaxImportTensors = size_t{1} << 20;

struct ImportSummary {
    std::filesystem::path store;
    size_t tensors = 0;
    uint64_t bytes = 0;
    double seconds = 0;
};

ImportSummary run_import(const PluginRegistry &registry, const ImportOptions &options, std::ostream &log);

// The name a model gets in a repository when --name is not given.
std::string default_model_name(const std::filesystem::path &model);

// The folder holding a checkpoint's config.json and tokenizer files.
std::filesystem::path model_folder_of(const std::filesystem::path &model);

// Removes temporaries left by a killed run (pid no longer alive) next to target.
void remove_stale_temporaries(const std::filesystem::path &target);

} // namespace gmat
