// A GGUF file as llama.cpp's own reader (gguf_init_from_file from the
// prebuilt library) sees it. Construction fails when llama.cpp refuses it.
#pragma once

#include <gguf.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace gmat::test {

class OracleGguf {
public:
    explicit OracleGguf(const std::filesystem::path &path);
    OracleGguf(const OracleGguf &) = delete;
    OracleGguf &operator=(const OracleGguf &) = delete;
    ~OracleGguf();

    const gguf_context *ctx() const { return ctx_; }
    std::vector<std::string> keys() const;
    // Throws naming the key when it is missing or has another type.
    int64_t key(const std::string &name, gguf_type expected) const;
    int64_t tensor(const std::string &name) const;
    std::vector<std::string> tensor_names() const;

    // The element bytes of an array key of the expected element type.
    template <class T>
    std::vector<T> array(const std::string &name, gguf_type element_type) const {
        const int64_t id = key(name, GGUF_TYPE_ARRAY);
        if (gguf_get_arr_type(ctx_, id) != element_type)
            throw std::runtime_error(path_.string() + ": array '" + name + "' has another element type");
        std::vector<T> values(gguf_get_arr_n(ctx_, id));
        if (!values.empty()) std::memcpy(values.data(), gguf_get_arr_data(ctx_, id), values.size() * sizeof(T));
        return values;
    }
    std::vector<std::string> string_array(const std::string &name) const;

    // Reads n bytes of the file at offset (for tensor data and padding).
    std::vector<uint8_t> read_bytes(uint64_t offset, uint64_t n_bytes) const;
    std::vector<uint8_t> tensor_data(const std::string &name) const;
    uint64_t file_size() const;

private:
    std::filesystem::path path_;
    gguf_context *ctx_ = nullptr;
};

} // namespace gmat::test
