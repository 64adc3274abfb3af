// The reader the plugin exports: a checkpoint of one or more .safetensors
// files seen as one list of tensors.
//
// Listing order: shards in file-name order, and within a shard by data
// offset (file order), so a host that walks the list reads every file front
// to back and release() frees memory right behind it.
#pragma once

#include "safetensors_file.hpp"

#include <gmat/sdk.hpp>

#include <memory>
#include <vector>

namespace gmat::safetensors {

class SafetensorsReader final : public sdk::Reader {
public:
    // path: a .safetensors file, a model.safetensors.index.json, or a folder
    // (see shard_set.hpp). Every file is mapped and validated here.
    explicit SafetensorsReader(const char *path);

    static int32_t probe(const char *path) noexcept;

    uint64_t tensor_count() const override { return listing_.size(); }
    void tensor_info(uint64_t index, gmat_tensor_info &out) const override;
    void read(uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst) override;
    void release(uint64_t index) override;

private:
    struct ListedTensor {
        const SafetensorsFile *file;
        const TensorEntry *entry;
    };
    const ListedTensor &listed(uint64_t index) const;

    std::vector<std::unique_ptr<SafetensorsFile>> shards_;
    std::vector<ListedTensor> listing_;
};

} // namespace gmat::safetensors
