#include "support/raw_writer.hpp"

#include <dlfcn.h>

#include <stdexcept>

namespace gmat::test {

const gmat_writer_api &RawWriter::api() {
    static const gmat_writer_api *table = [] {
        // Never closed: the table's functions live in the library.
        void *library = ::dlopen(GMAT_GGUF_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr) throw std::runtime_error(std::string("dlopen gguf plugin: ") + ::dlerror());
        auto entry = reinterpret_cast<gmat_plugin_entry_fn>(::dlsym(library, GMAT_PLUGIN_ENTRY_SYMBOL));
        if (entry == nullptr) throw std::runtime_error("gguf plugin exports no " GMAT_PLUGIN_ENTRY_SYMBOL);
        return static_cast<const gmat_writer_api *>(entry()->api);
    }();
    return *table;
}

gmat_diagnostics *RawWriter::diag() {
    diag_text_[0] = '\0';
    diag_ = {diag_text_.data(), diag_text_.size()};
    return &diag_;
}

RawWriter::RawWriter(const std::filesystem::path &path, uint32_t shard_count) {
    if (api().create(path.c_str(), shard_count, &handle_, diag()) != GMAT_OK)
        throw std::runtime_error(message());
}

RawWriter::~RawWriter() {
    if (handle_ != nullptr) api().discard(handle_);
}

int32_t RawWriter::set_value(const char *key, gmat_value_type type, const void *value) {
    return api().set_value(handle_, key, type, value, diag());
}

int32_t RawWriter::set_array(const char *key, gmat_value_type element_type, const void *elements, uint64_t count) {
    return api().set_array(handle_, key, element_type, elements, count, diag());
}

int32_t RawWriter::add_tensor(const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne,
                              uint64_t n_bytes, uint32_t shard) {
    return api().add_tensor(handle_, name, gguf_type, n_dims, ne, n_bytes, shard, diag());
}

int32_t RawWriter::write_tensor_data(const void *data, uint64_t n_bytes) {
    return api().write_tensor_data(handle_, data, n_bytes, diag());
}

int32_t RawWriter::commit() {
    gmat_writer *handle = handle_;
    handle_ = nullptr; // commit frees the writer whatever it returns
    return api().commit(handle, diag());
}

} // namespace gmat::test
