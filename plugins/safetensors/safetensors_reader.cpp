#include "safetensors_reader.hpp"

#include "shard_consistency.hpp"
#include "shard_set.hpp"

namespace gmat::safetensors {

SafetensorsReader::SafetensorsReader(const char *path) {
    if (path == nullptr) throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, "safetensors reader: no path given");
    const ShardSet set = discover_shards(path);
    for (const std::string &file : set.files) shards_.push_back(std::make_unique<SafetensorsFile>(file));
    if (set.index)
        check_against_index(*set.index, shards_);
    else
        check_unique_across_shards(shards_);
    for (const auto &shard : shards_)
        for (const TensorEntry &t : shard->tensors()) listing_.push_back({shard.get(), &t});
}

int32_t SafetensorsReader::probe(const char *path) noexcept { return path ? probe_score(path) : 0; }

const SafetensorsReader::ListedTensor &SafetensorsReader::listed(uint64_t index) const {
    if (index >= listing_.size())
        throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, "tensor index " + std::to_string(index) +
                                                          " out of range (the checkpoint has " +
                                                          std::to_string(listing_.size()) + " tensors)");
    return listing_[index];
}

void SafetensorsReader::tensor_info(uint64_t index, gmat_tensor_info &out) const {
    const ListedTensor &t = listed(index);
    out.name = t.entry->name.c_str();
    out.dtype = t.entry->dtype->id;
    out.n_dims = static_cast<uint32_t>(t.entry->shape.size());
    for (size_t d = 0; d < t.entry->shape.size(); ++d) out.shape[d] = t.entry->shape[d];
    out.n_bytes = t.entry->n_bytes();
    out.source_file = t.file->path().c_str();
}

void SafetensorsReader::read(uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst) {
    const ListedTensor &t = listed(index);
    t.file->read(*t.entry, offset, n_bytes, dst);
}

void SafetensorsReader::release(uint64_t index) {
    if (index < listing_.size()) listing_[index].file->release(*listing_[index].entry);
}

} // namespace gmat::safetensors
