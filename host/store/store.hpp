// A GMAT store on disk: model.gmat/metadata.json, tensors/<uuid>.gmat and the
// model's own files (config.json, tokenizer files...) copied at import.
// A store inside a repository keeps no tensors/ folder: its tensors name blobs
// (metadata.json "blobs": the blob folder, relative to the store). A store
// imported with --base records the base store ("base", relative) and, per
// delta tensor, the base tensor; opening a tensor attaches its base.
#pragma once

#include "config/import_config.hpp"
#include "store/source_encoding.hpp"

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
    std::string blob; // content-addressed blob name in a repository; empty in a standalone store
    std::string base; // delta tensors: the base tensor's uuid (standalone) or blob (repository)
    SourceLayout source; // FP8 / MXFP4 kept as shipped: shape is logical, bytes = data + companions
};

struct StoreMetadata {
    ImportConfig config;
    std::vector<StoredTensor> tensors; // in import order
    std::vector<std::string> model_files;
    std::string blobs_dir;  // relative to the store folder; empty: tensors/<uuid>.gmat
    std::string base_store; // relative to the store folder; empty: imported without --base
};

// Version 2 adds "blobs", "base" and the per-tensor "blob" and "base"; a store
// that uses none of them is still written as version 1.
inline constexpr uint32_t kStoreFormatVersion = 2;

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
    // The tensor's file: its blob in a repository, else tensors/<uuid>.gmat.
    std::filesystem::path tensor_path(const StoredTensor &t) const;
    bool in_repository() const { return !blobs_dir_.empty(); }
    const std::filesystem::path &blobs_dir() const { return blobs_dir_; }
    // Opens a tensor file, checks that its header agrees with metadata.json
    // (dtype, shape, checksum; the name too except for shared blobs, which
    // carry their first importer's name) and attaches the base of a delta;
    // errors name the store, tensor, uuid and file.
    std::unique_ptr<TensorFileReader> open_tensor(const StoredTensor &t) const;
    // The copy of a model file (config.json...), or empty when the model had none.
    std::filesystem::path model_file(const std::string &name) const;
    // Re-reads every tensor file and checks header and payload checksums
    // against metadata.json; returns one message per problem.
    std::vector<std::string> verify() const;

private:
    struct BaseStore;
    void attach_standalone_base(TensorFileReader &reader, const StoredTensor &t) const;

    std::filesystem::path dir_;
    StoreMetadata metadata_;
    std::filesystem::path blobs_dir_;
    std::shared_ptr<BaseStore> base_; // opened on first use, shared by copies of this Store
    std::unordered_map<std::string, size_t> by_uuid_; // lower-case uuid -> index in tensors()
    std::unordered_map<std::string, size_t> by_name_;
};

} // namespace gmat
