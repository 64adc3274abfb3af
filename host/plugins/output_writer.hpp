// An output being written through a writer plugin. Destroying it without
// commit() discards every temporary file.
#pragma once

#include "metadata/metadata.hpp"

#include <gmat/abi.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gmat {

class LoadedLibrary;

class OutputWriter {
public:
    OutputWriter(std::shared_ptr<const LoadedLibrary> library, const gmat_writer_api *api,
                 const std::filesystem::path &path, uint32_t shard_count);
    OutputWriter(OutputWriter &&other) noexcept;
    OutputWriter &operator=(OutputWriter &&) = delete;
    ~OutputWriter();

    void set(const std::string &key, const MetadataValue &value);
    void set_all(const Metadata &metadata);
    // ne in ggml order (fastest first).
    void add_tensor(const std::string &name, uint32_t gguf_type, const std::vector<uint64_t> &ne,
                    uint64_t n_bytes, uint32_t shard);
    // Writes only these shards (0-based, ascending); call after the last add_tensor.
    void select_shards(const std::vector<uint32_t> &shards);
    void write_tensor_data(const void *data, uint64_t n_bytes);
    void commit();
    void discard();

private:
    std::shared_ptr<const LoadedLibrary> library_;
    const gmat_writer_api *api_;
    std::filesystem::path path_;
    gmat_writer *handle_ = nullptr;
};

} // namespace gmat
