// One random HF checkpoint of a non-Llama class (tests/reference's
// make_arch_checkpoint.py), imported into a store, exported, and the HF
// reference logits (arch_reference.py) of the same tokens.
#pragma once

#include "in_process_export.hpp" // build_plugins, export_in_process

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {


struct ArchModel {
    std::string hf_class;
    std::filesystem::path dir;   // scratch folder of this model
    std::filesystem::path hf;    // the HF checkpoint
    std::filesystem::path store; // model.gmat
    std::vector<int32_t> tokens; // 32 tokens every test evaluates
    // The tests/reference script computing the HF forward pass, and the HF
    // folder it reads (an encoded checkpoint's dequantized twin; empty = hf).
    std::string reference_script = "arch_reference.py";
    std::filesystem::path reference_model;
};

// Imports the HF checkpoint dir/hf written by a tests/reference script into dir/model.gmat.
ArchModel import_arch_checkpoint(const std::string &hf_class, const std::filesystem::path &dir);

// A fresh scratch folder for one model (removed when the test process exits).
std::filesystem::path arch_model_dir(const std::string &name);

// Writes dir/hf with make_arch_checkpoint.py (extra_args appended) and imports
// it; dir is named after the class, plus `variant` when one class has several models.
ArchModel make_arch_model(const std::string &hf_class, const std::vector<std::string> &extra_args,
                          const std::string &variant = "");

// Exports the store with default_type (e.g. "f32", "q4_k_m") to dir/<name>.gguf.
std::filesystem::path export_model(const ArchModel &model, const std::string &default_type);

// n_tokens x vocab logits of arch_reference.py.
std::vector<float> reference_logits(const ArchModel &model);

} // namespace gmat::test
