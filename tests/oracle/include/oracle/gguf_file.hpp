// A GGUF file as ggml's own reader (gguf_init_from_file) sees it: the oracle for
// what gmat's GGUF writer produced. Metadata only (no_alloc); tensor bytes are
// read on request. Types are raw ids: gguf_type for values, ggml_type for tensors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct gguf_context;

namespace oracle {

class GgufFile;

// One key/value pair; a view valid while its GgufFile lives (unmoved). Reading a value as
// the wrong kind throws std::runtime_error naming the file, key and actual type.
class GgufKv {
public:
    GgufKv(const GgufFile &file, int64_t id) : file_(&file), id_(id) {}

    std::string key() const;
    uint32_t type() const; // gguf_type (GGUF_TYPE_ARRAY for arrays)
    std::string type_name() const;
    bool is_array() const;

    // Scalars. as_int: any integer type (u64 beyond int64 throws); as_double:
    // float or integer types; as_bool: bool only; as_string: string only.
    int64_t as_int() const;
    double as_double() const;
    bool as_bool() const;
    std::string as_string() const;

    // Arrays, with the same conversion rules per element.
    uint32_t array_type() const;
    size_t array_size() const;
    int64_t int_at(size_t i) const;
    double double_at(size_t i) const;
    bool bool_at(size_t i) const;
    std::string string_at(size_t i) const;

private:
    void require_scalar() const;
    void require_array() const;
    int64_t read_int(size_t i) const; // i ignored for scalars
    double read_double(size_t i) const;
    bool read_bool(size_t i) const;
    std::string read_string(size_t i) const;
    const void *scalar_or_element(uint32_t element_type, size_t i) const;
    uint32_t element_type() const; // type() for scalars, array_type() for arrays
    [[noreturn]] void fail(const std::string &what) const;

    const GgufFile *file_;
    int64_t id_;
};

struct GgufTensorInfo {
    std::string name;
    uint32_t type = 0;                     // ggml_type
    std::array<int64_t, 4> ne{1, 1, 1, 1}; // ne[0] is the row length; unused dims are 1
    uint64_t offset = 0;                   // from the start of the data section
    size_t size = 0;                       // bytes
    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

class GgufFile {
public:
    // Throws std::runtime_error naming the path when ggml rejects the file or a
    // tensor's data lies beyond the end of the file.
    explicit GgufFile(std::filesystem::path path);
    ~GgufFile();
    GgufFile(GgufFile &&) noexcept;
    GgufFile &operator=(GgufFile &&) noexcept;
    GgufFile(const GgufFile &) = delete;
    GgufFile &operator=(const GgufFile &) = delete;

    const std::filesystem::path &path() const { return path_; }
    uint32_t version() const;
    size_t alignment() const;
    size_t data_offset() const; // absolute file offset of the tensor data section

    int64_t kv_count() const;
    std::vector<std::string> keys() const; // in file order
    bool has_key(std::string_view key) const;
    GgufKv kv(std::string_view key) const; // throws if missing
    GgufKv kv_at(int64_t id) const;

    std::vector<GgufTensorInfo> tensors() const; // in file order
    std::optional<GgufTensorInfo> find_tensor(std::string_view name) const;
    GgufTensorInfo tensor(std::string_view name) const; // throws if missing
    // The tensor's bytes as stored in the file.
    std::vector<uint8_t> read_tensor_data(const GgufTensorInfo &tensor) const;

    const gguf_context *raw() const { return ctx_.get(); }

private:
    struct ContextDeleter {
        void operator()(gguf_context *ctx) const;
    };
    GgufTensorInfo tensor_at(int64_t id) const;
    void check_tensor_data_in_file() const;

    std::filesystem::path path_;
    std::unique_ptr<gguf_context, ContextDeleter> ctx_;
};

} // namespace oracle
