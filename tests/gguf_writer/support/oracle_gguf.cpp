#include "support/oracle_gguf.hpp"

#include <fstream>

namespace gmat::test {

OracleGguf::OracleGguf(const std::filesystem::path &path) : path_(path) {
    ctx_ = gguf_init_from_file(path.c_str(), gguf_init_params{/*no_alloc=*/true, /*ctx=*/nullptr});
    if (ctx_ == nullptr) throw std::runtime_error("llama.cpp's gguf_init_from_file refused " + path.string());
}

OracleGguf::~OracleGguf() { gguf_free(ctx_); }

std::vector<std::string> OracleGguf::keys() const {
    std::vector<std::string> names;
    for (int64_t i = 0; i < gguf_get_n_kv(ctx_); ++i) names.emplace_back(gguf_get_key(ctx_, i));
    return names;
}

int64_t OracleGguf::key(const std::string &name, gguf_type expected) const {
    const int64_t id = gguf_find_key(ctx_, name.c_str());
    if (id < 0) throw std::runtime_error(path_.string() + ": no key '" + name + "'");
    if (gguf_get_kv_type(ctx_, id) != expected)
        throw std::runtime_error(path_.string() + ": key '" + name + "' has type " +
                                 gguf_type_name(gguf_get_kv_type(ctx_, id)) + ", expected " +
                                 gguf_type_name(expected));
    return id;
}

int64_t OracleGguf::tensor(const std::string &name) const {
    const int64_t id = gguf_find_tensor(ctx_, name.c_str());
    if (id < 0) throw std::runtime_error(path_.string() + ": no tensor '" + name + "'");
    return id;
}

std::vector<std::string> OracleGguf::tensor_names() const {
    std::vector<std::string> names;
    for (int64_t i = 0; i < gguf_get_n_tensors(ctx_); ++i) names.emplace_back(gguf_get_tensor_name(ctx_, i));
    return names;
}

std::vector<std::string> OracleGguf::string_array(const std::string &name) const {
    const int64_t id = key(name, GGUF_TYPE_ARRAY);
    if (gguf_get_arr_type(ctx_, id) != GGUF_TYPE_STRING)
        throw std::runtime_error(path_.string() + ": array '" + name + "' does not hold strings");
    std::vector<std::string> values;
    for (size_t i = 0; i < gguf_get_arr_n(ctx_, id); ++i) values.emplace_back(gguf_get_arr_str(ctx_, id, i));
    return values;
}

std::vector<uint8_t> OracleGguf::read_bytes(uint64_t offset, uint64_t n_bytes) const {
    std::ifstream file(path_, std::ios::binary);
    file.seekg(static_cast<std::streamoff>(offset));
    std::vector<uint8_t> bytes(n_bytes);
    file.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(n_bytes));
    if (!file) throw std::runtime_error(path_.string() + ": cannot read " + std::to_string(n_bytes) + " bytes at " +
                                        std::to_string(offset));
    return bytes;
}

std::vector<uint8_t> OracleGguf::tensor_data(const std::string &name) const {
    const int64_t id = tensor(name);
    return read_bytes(gguf_get_data_offset(ctx_) + gguf_get_tensor_offset(ctx_, id), gguf_get_tensor_size(ctx_, id));
}

uint64_t OracleGguf::file_size() const { return std::filesystem::file_size(path_); }

} // namespace gmat::test
