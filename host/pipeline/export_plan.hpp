// Everything an export will do, decided before any byte is written: which
// store tensor becomes which GGUF tensor, in which type (and why), in which
// order and shard, and the metadata. `gmat export --dry-run` prints it.
#pragma once

#include "arch/architecture.hpp"
#include "config/export_config.hpp"
#include "imatrix/importance_matrix.hpp"
#include "metadata/metadata.hpp"
#include "plugins/plugin_registry.hpp"
#include "store/store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

struct PlannedTensor {
    std::string gguf_name;
    const StoredTensor *stored = nullptr;       // null for a generated tensor; parts[0] when stacked
    // A stacked tensor (MoE experts): store tensor i is slice i of the
    // outermost dimension, all of one dtype and shape. Empty = just `stored`.
    std::vector<const StoredTensor *> parts;
    const GeneratedTensor *generated = nullptr;
    std::vector<uint64_t> shape;                // PyTorch order
    uint64_t n_rows = 1, n_cols = 1;            // n_cols = innermost dimension
    const QuantType *type = nullptr;
    std::string reason;                         // why this type
    bool fallback = false;                      // the requested type did not fit the rows
    RowPermutation permutation;                 // empty = rows in source order
    RowBlocks row_blocks;                       // a slice of a fused store tensor; empty = every row
    bool transform_values = false;              // the architecture rewrites this tensor's values
    uint64_t bytes = 0;
    uint32_t shard = 0;
    const std::vector<float> *importance = nullptr; // imatrix column weights, when the type uses them
    std::vector<uint64_t> ggml_ne() const;      // reversed shape
};

struct ExportPlanOptions {
    std::optional<uint64_t> shard_size_bytes; // overrides the config's
    std::optional<std::filesystem::path> imatrix; // overrides the config's
    // Store tensors (UUIDs or source names) left out of the output, so a store
    // with a corrupt tensor can still export the rest; each must exist.
    std::vector<std::string> skip_tensors;
    // A tokenizer.json pre_tokenizer llama.cpp does not know becomes a warning
    // instead of an error (--allow-unknown-pretokenizer).
    bool allow_unknown_pre_tokenizer = false;
};

struct ExportPlan {
    std::vector<PlannedTensor> tensors; // in output order
    std::vector<GeneratedTensor> generated;
    std::shared_ptr<const ImportanceMatrix> imatrix;
    const Architecture *architecture_module = nullptr;
    std::shared_ptr<const HfConfig> hf_config;
    Metadata metadata;
    uint32_t shard_count = 1;
    uint64_t total_bytes = 0;    // tensor data
    uint64_t total_elements = 0;
    std::string architecture;
    std::vector<std::string> notes; // fallbacks and ignored requests, printed by the export
    std::vector<std::string> skipped_gguf_names; // tensors --skip-tensor left out (per_tensor keys may name them)
    double bits_per_weight() const { return total_elements ? 8.0 * total_bytes / total_elements : 0; }
};

// Throws GmatError naming the config field, tensor or type on any problem
// (unknown UUID, unknown type, no plugin for a type...).
ExportPlan plan_export(const Store &store, const ExportConfig &config, const std::string &config_name,
                       const PluginRegistry &registry, const ExportPlanOptions &options);

// The export config used without --config: the default mix over every tensor.
// With comments, per_tensor gets the recommendations of recommendations.hpp
// and comments explains each (the config `--generate-config` writes).
ExportConfig default_export_config(const Store &store, const PluginRegistry &registry,
                                   std::vector<std::pair<std::string, std::string>> *comments = nullptr,
                                   double importance_high = 0.08, double importance_medium = 0.02);

} // namespace gmat
