#include "plugins/output_writer.hpp"

#include "plugins/diagnostics_buffer.hpp"

#include "common/error.hpp"

#include <cstddef>
#include <type_traits>

namespace gmat {

OutputWriter::OutputWriter(std::shared_ptr<const LoadedLibrary> library, const gmat_writer_api *api,
                           const std::filesystem::path &path, uint32_t shard_count)
    : library_(std::move(library)), api_(api), path_(path) {
    DiagnosticsBuffer diag;
    diag.check(api_->create(path.c_str(), shard_count, &handle_, diag.get()), path.string());
}

OutputWriter::OutputWriter(OutputWriter &&other) noexcept
    : library_(std::move(other.library_)), api_(other.api_), path_(std::move(other.path_)), handle_(other.handle_) {
    other.handle_ = nullptr;
}

OutputWriter::~OutputWriter() { discard(); }

namespace {
template <class T> constexpr gmat_value_type value_type_of() {
    if constexpr (std::is_same_v<T, uint8_t>) return GMAT_VALUE_U8;
    else if constexpr (std::is_same_v<T, int8_t>) return GMAT_VALUE_I8;
    else if constexpr (std::is_same_v<T, uint16_t>) return GMAT_VALUE_U16;
    else if constexpr (std::is_same_v<T, int16_t>) return GMAT_VALUE_I16;
    else if constexpr (std::is_same_v<T, uint32_t>) return GMAT_VALUE_U32;
    else if constexpr (std::is_same_v<T, int32_t>) return GMAT_VALUE_I32;
    else if constexpr (std::is_same_v<T, float>) return GMAT_VALUE_F32;
    else if constexpr (std::is_same_v<T, bool>) return GMAT_VALUE_BOOL;
    else if constexpr (std::is_same_v<T, std::string>) return GMAT_VALUE_STRING;
    else if constexpr (std::is_same_v<T, uint64_t>) return GMAT_VALUE_U64;
    else if constexpr (std::is_same_v<T, int64_t>) return GMAT_VALUE_I64;
    else return GMAT_VALUE_F64;
}
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type { using element = T; };
} // namespace

void OutputWriter::set(const std::string &key, const MetadataValue &value) {
    DiagnosticsBuffer diag;
    int32_t status = std::visit(
        [&](const auto &v) -> int32_t {
            using T = std::decay_t<decltype(v)>;
            if constexpr (is_vector<T>::value) {
                using E = typename is_vector<T>::element;
                if constexpr (std::is_same_v<E, std::string>) {
                    std::vector<const char *> ptrs;
                    ptrs.reserve(v.size());
                    for (const auto &s : v) ptrs.push_back(s.c_str());
                    return api_->set_array(handle_, key.c_str(), GMAT_VALUE_STRING, ptrs.data(), ptrs.size(), diag.get());
                } else {
                    return api_->set_array(handle_, key.c_str(), value_type_of<E>(), v.data(), v.size(), diag.get());
                }
            } else if constexpr (std::is_same_v<T, std::string>) {
                return api_->set_value(handle_, key.c_str(), GMAT_VALUE_STRING, v.c_str(), diag.get());
            } else if constexpr (std::is_same_v<T, bool>) {
                const uint8_t b = v ? 1 : 0;
                return api_->set_value(handle_, key.c_str(), GMAT_VALUE_BOOL, &b, diag.get());
            } else {
                return api_->set_value(handle_, key.c_str(), value_type_of<T>(), &v, diag.get());
            }
        },
        value);
    diag.check(status, path_.string() + ": metadata key '" + key + "'");
}

void OutputWriter::set_all(const Metadata &metadata) {
    for (const auto &[key, value] : metadata.entries()) set(key, value);
}

void OutputWriter::add_tensor(const std::string &name, uint32_t gguf_type, const std::vector<uint64_t> &ne,
                              uint64_t n_bytes, uint32_t shard) {
    DiagnosticsBuffer diag;
    diag.check(api_->add_tensor(handle_, name.c_str(), gguf_type, static_cast<uint32_t>(ne.size()), ne.data(), n_bytes,
                                shard, diag.get()),
               path_.string() + ": tensor '" + name + "'");
}

void OutputWriter::write_tensor_data(const void *data, uint64_t n_bytes) {
    DiagnosticsBuffer diag;
    diag.check(api_->write_tensor_data(handle_, data, n_bytes, diag.get()), path_.string() + ": writing tensor data");
}

void OutputWriter::select_shards(const std::vector<uint32_t> &shards) {
    if (api_->struct_size < offsetof(gmat_writer_api, select_shards) + sizeof(void *) || api_->select_shards == nullptr)
        throw GmatError(path_.string() + ": the " + api_->format +
                        " writer plugin cannot write a subset of shards (needs plugin ABI 1.1)");
    DiagnosticsBuffer diag;
    diag.check(api_->select_shards(handle_, shards.data(), static_cast<uint32_t>(shards.size()), diag.get()),
               path_.string() + ": selecting shards");
}

void OutputWriter::commit() {
    DiagnosticsBuffer diag;
    gmat_writer *h = handle_;
    handle_ = nullptr; // commit frees the writer whatever it returns
    diag.check(api_->commit(h, diag.get()), path_.string());
}

void OutputWriter::discard() {
    if (handle_ != nullptr) api_->discard(handle_);
    handle_ = nullptr;
}

} // namespace gmat
