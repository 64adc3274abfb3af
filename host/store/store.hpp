// A GMAT store on disk: model.gmat/metadata.json, tensors/<uuid>.gmat and the
// model's own files (config.json, tokenizer files...) copied at import.
#pragma once

#include "config/import_config.hpp"

#include <gmat/abi.h>

#include <filesystem>
#include <memory>
#include <unordered_map>
#include <string>
#include <vector>

namespace gmat {

class TensorFileReader;

struct StoredTensor {
    std::string uuid;
    std::string name; // source tensor name
    gmat_dtype dtype = GMAT_DTYPE_F32;
    std::vector<uint64_t> shape;
    uint64_t bytes = 0;
    uint64_t checksum = 0;
};

struct StoreMetadata {
    ImportConfig config;
    std::vector<StoredTensor> tensors; // in import order
    std::vector<std::string> model_files;
};

inline constexpr uint32_t kStoreFormatVersion = 1;

// Files of an HF model folder that a store keeps, so export never needs the folder again.
const std::vector<std::string> &model_file_names();

void write_store_metadata(const std::filesystem::path &store_dir, const StoreMetadata &metadata);

class Store {
public:
    // Reads and checks metadata.json; errors name the file and field.
    static Store open(const std::filesystem::path &dir);

    const std::filesystem::path &dir() const { return dir_; }
    const StoreMetadata &metadata() const { return metadata_; }
    const std::vector<StoredTensor> &tensors() const { return metadata_.tensors; }
    const StoredTensor *find_uuid(std::string_view uuid) const;
    const StoredTensor *find_name(std::string_view name) const;
    std::filesystem::path tensor_path(const StoredTensor &t) const;
    // Opens a tensor file and checks that its header agrees with metadata.json
    // (name, dtype, shape, checksum); errors name the tensor, uuid and file.
    std::unique_ptr<TensorFileReader> open_tensor(const StoredTensor &t) const;
    // The copy of a model file (config.json...), or empty when the model had none.
    std::filesystem::path model_file(const std::string &name) const;
    // Re-reads every tensor file and checks header and payload checksums
    // against metadata.json; returns one message per problem.
    std::vector<std::string> verify() const;

private:
    std::filesystem::path dir_;
    StoreMetadata metadata_;
    std::unordered_map<std::string, size_t> by_uuid_; // lower-case uuid -> index in tensors()
    std::unordered_map<std::string, size_t> by_name_;
};

} // namespace gmat
