// One random Llama checkpoint (GQA), imported once, exported in several types;
// tests compare the GGUF files with llama.cpp and the HF reference.
#pragma once

#include "config/export_config.hpp"
#include "pipeline/export_pipeline.hpp"
#include "plugins/plugin_registry.hpp"
#include "in_process_export.hpp" // build_plugins, default_type_config, export_in_process
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <reference/reference_scripts.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gmat::test {

struct ExportedModel {
    std::filesystem::path dir;      // scratch folder
    std::filesystem::path hf;       // the HF checkpoint
    std::filesystem::path store;    // model.gmat
    std::vector<int32_t> tokens;    // the 32-token sequence every test evaluates
};

// Builds (once per process) the checkpoint and its store. dtype: f32, f16 or bf16.
const ExportedModel &llama_model(const std::string &dtype = "f32");

// Exports store with a config JSON text to `output`, quietly; returns the summary.
ExportSummary export_store(const std::filesystem::path &store, const std::string &config_json,
                           const std::filesystem::path &output, unsigned threads = 2,
                           std::optional<uint64_t> shard_size = std::nullopt);

// Writes a random HF checkpoint to dir/hf (tests/reference's generator) and
// imports it into dir/model.gmat; returns the store folder.
std::filesystem::path import_checkpoint(const std::filesystem::path &dir, const reference::CheckpointOptions &options);

// Path of a fresh file in the process' scratch folder.
std::filesystem::path scratch_path(const std::string &name);

} // namespace gmat::test
