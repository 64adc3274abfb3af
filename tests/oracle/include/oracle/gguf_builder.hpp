// Builds GGUF files with ggml's own writer (gguf_init_empty, gguf_set_*,
// gguf_add_tensor, gguf_write_to_file): test inputs produced independently of
// gmat, and a reference layout to compare gmat's writer against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct gguf_context;
struct ggml_context;

namespace oracle {

class GgufBuilder {
public:
    // ggml's writer lays tensors out with the context's alignment, which only its
    // reader sets from general.alignment; a non-default alignment is therefore
    // bootstrapped through a metadata-only round trip.
    explicit GgufBuilder(size_t alignment = 32, size_t max_tensors = 1024);
    ~GgufBuilder();
    GgufBuilder(const GgufBuilder &) = delete;
    GgufBuilder &operator=(const GgufBuilder &) = delete;

    // Key/value pairs are set with ggml's API on this context (gguf_set_val_u32(b.ctx(), ...)).
    gguf_context *ctx() { return gguf_.get(); }

    // Adds a tensor of shape ne (ne[0] = row length) and ggml type holding `data`,
    // exactly ggml_nbytes of that shape; the builder keeps it until write().
    void add_tensor(const std::string &name, uint32_t ggml_type, const std::vector<int64_t> &ne,
                    std::vector<uint8_t> data);
    void add_f32_tensor(const std::string &name, const std::vector<int64_t> &ne, const std::vector<float> &values);

    // Throws std::runtime_error if ggml fails to write the file.
    void write(const std::filesystem::path &path) const;

private:
    struct GgufDeleter {
        void operator()(gguf_context *ctx) const;
    };
    struct GgmlDeleter {
        void operator()(ggml_context *ctx) const;
    };
    std::unique_ptr<gguf_context, GgufDeleter> gguf_;
    std::unique_ptr<ggml_context, GgmlDeleter> tensors_; // tensor headers only (no_alloc)
    std::deque<std::vector<uint8_t>> data_;              // tensor bytes at stable addresses
};

} // namespace oracle
