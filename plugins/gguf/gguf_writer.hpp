// The gguf writer plugin's Writer: collects metadata and tensor declarations,
// then streams tensor data into one GGUF v3 file per shard. A shard's header
// is written when its first data arrives (or at commit when it has none), so
// only metadata and the small write buffers live in memory.
#pragma once

#include "header_encoding.hpp"
#include "staged_file.hpp"

#include <gmat/sdk.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace gmat::gguf {

class GgufWriter final : public sdk::Writer {
public:
    GgufWriter(const char *path, uint32_t shard_count);
    ~GgufWriter() override; // discards unless committed

    void set_value(const char *key, gmat_value_type type, const void *value) override;
    void set_array(const char *key, gmat_value_type element_type, const void *elements, uint64_t count) override;
    void add_tensor(const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne, uint64_t n_bytes,
                    uint32_t shard) override;
    void write_tensor_data(const void *data, uint64_t n_bytes) override;
    void commit() override;
    void discard() noexcept override;
    void select_shards(const uint32_t *shards, uint32_t count) override;

private:
    enum class Phase { declaring, streaming, failed, finished };
    struct Kv {
        std::string key;
        std::vector<uint8_t> encoded;
    };
    struct Tensor {
        TensorInfo info;
        uint32_t shard;
    };
    struct Shard {
        std::unique_ptr<StagedFile> file;
        std::vector<size_t> tensors; // indices into tensors_, in declaration order
        bool header_written = false;
        bool selected = true; // select_shards: this machine writes the file
    };

    std::string key_context(const std::string &key) const;
    std::string tensor_context(const Tensor &tensor) const;
    void require_phase(Phase expected, const std::string &context, const char *action) const;
    void check_new_key(const std::string &key, const std::string &context) const;
    uint32_t checked_alignment(gmat_value_type type, const void *value, const std::string &context) const;
    void check_tensor_declaration(const std::string &name, uint32_t n_dims, const uint64_t *ne, uint32_t shard,
                                  const std::string &context) const;
    void start_data();
    std::vector<Kv> writer_kvs(uint32_t shard) const;
    void write_header(uint32_t shard);
    void skip_unwritten_tensors(); // empty ones, and those of shards not selected
    void finish_current_tensor();
    void require_all_data();

    std::filesystem::path path_;
    uint32_t shard_count_;
    uint32_t alignment_;
    Phase phase_ = Phase::declaring;
    std::vector<Kv> kvs_;
    std::unordered_set<std::string> keys_;
    std::vector<Tensor> tensors_;
    std::unordered_set<std::string> tensor_names_;
    std::vector<Shard> shards_;
    size_t current_tensor_ = 0;   // the tensor write_tensor_data fills next
    uint64_t current_written_ = 0; // bytes of it received so far
};

} // namespace gmat::gguf
