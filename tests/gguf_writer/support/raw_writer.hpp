// The gguf plugin's C writer table, called without the host's OutputWriter:
// for array element types the host's MetadataValue cannot express (u16, i16,
// i8, u64, f64, bool) and for out-of-contract calls the wrapper never makes.
// Each call returns the plugin's status; message() holds its diagnostics.
#pragma once

#include <gmat/abi.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace gmat::test {

class RawWriter {
public:
    // Throws std::runtime_error with the plugin's message when create fails.
    RawWriter(const std::filesystem::path &path, uint32_t shard_count);
    RawWriter(const RawWriter &) = delete;
    RawWriter &operator=(const RawWriter &) = delete;
    ~RawWriter(); // discards unless committed

    int32_t set_value(const char *key, gmat_value_type type, const void *value);
    int32_t set_array(const char *key, gmat_value_type element_type, const void *elements, uint64_t count);
    int32_t add_tensor(const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne, uint64_t n_bytes,
                       uint32_t shard);
    int32_t write_tensor_data(const void *data, uint64_t n_bytes);
    int32_t commit();
    std::string message() const { return diag_text_.data(); }

    // The plugin's table, straight from gmat_plugin_entry.
    static const gmat_writer_api &api();

private:
    gmat_diagnostics *diag();

    gmat_writer *handle_ = nullptr;
    std::array<char, 2048> diag_text_{};
    gmat_diagnostics diag_{};
};

} // namespace gmat::test
