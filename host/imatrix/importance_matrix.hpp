// llama.cpp importance matrices (`llama-imatrix` output): per weight tensor,
// the mean squared activation of each input column, which quantizers use to
// spend precision where the model's inputs are large.
//
// Both file forms are read: GGUF (<name>.in_sum2 and <name>.counts tensors,
// imatrix.datasets / imatrix.chunk_count keys) and the legacy .dat
// (n_entries; per entry: name, ncall, nval, nval floats; then chunk count and
// dataset name). Values are normalised as llama-quantize does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gmat {

class ImportanceMatrix {
public:
    static ImportanceMatrix load(const std::filesystem::path &file);

    const std::filesystem::path &file() const { return file_; }
    const std::vector<std::string> &datasets() const { return datasets_; }
    uint32_t chunk_count() const { return chunk_count_; }
    size_t size() const { return entries_.size(); }
    bool has(const std::string &gguf_name) const { return entries_.count(gguf_name) != 0; }
    std::vector<std::string> names() const; // the tensors it has entries for, sorted
    // Every entry, normalised (as llama-quantize hands them to llama_model_quantize), by tensor name.
    const std::map<std::string, std::vector<float>> &entries() const { return entries_; }
    // The importance of each column of gguf_name, checked against its row
    // length (an entry of several matrices, e.g. experts, must be a multiple).
    // nullptr when the file has no entry for the tensor.
    const std::vector<float> *for_tensor(const std::string &gguf_name, uint64_t n_cols) const;

private:
    std::filesystem::path file_;
    std::map<std::string, std::vector<float>> entries_;
    std::vector<std::string> datasets_;
    uint32_t chunk_count_ = 0;

    static ImportanceMatrix load_gguf(const std::filesystem::path &file);
    static ImportanceMatrix load_legacy(const std::filesystem::path &file);
};

} // namespace gmat
