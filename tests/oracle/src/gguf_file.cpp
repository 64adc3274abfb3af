#include "oracle/gguf_file.hpp"

#include "llama_runtime.hpp"

#include <gguf.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace oracle {

namespace {

size_t value_size(uint32_t type) {
    switch (type) {
    case GGUF_TYPE_UINT8:
    case GGUF_TYPE_INT8:
    case GGUF_TYPE_BOOL:
        return 1;
    case GGUF_TYPE_UINT16:
    case GGUF_TYPE_INT16:
        return 2;
    case GGUF_TYPE_UINT32:
    case GGUF_TYPE_INT32:
    case GGUF_TYPE_FLOAT32:
        return 4;
    case GGUF_TYPE_UINT64:
    case GGUF_TYPE_INT64:
    case GGUF_TYPE_FLOAT64:
        return 8;
    default:
        return 0; // strings and arrays have no fixed size
    }
}

template <class T> T load(const void *p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

bool is_integer(uint32_t type) {
    return type <= GGUF_TYPE_INT32 || type == GGUF_TYPE_UINT64 || type == GGUF_TYPE_INT64;
}

} // namespace

// ---- GgufKv ----

std::string GgufKv::key() const { return gguf_get_key(file_->raw(), id_); }

uint32_t GgufKv::type() const { return gguf_get_kv_type(file_->raw(), id_); }

std::string GgufKv::type_name() const {
    if (!is_array())
        return gguf_type_name(static_cast<gguf_type>(type()));
    return std::string("array of ") + gguf_type_name(static_cast<gguf_type>(array_type()));
}

bool GgufKv::is_array() const { return type() == GGUF_TYPE_ARRAY; }

uint32_t GgufKv::array_type() const {
    require_array();
    return gguf_get_arr_type(file_->raw(), id_);
}

size_t GgufKv::array_size() const {
    require_array();
    return gguf_get_arr_n(file_->raw(), id_);
}

uint32_t GgufKv::element_type() const { return is_array() ? array_type() : type(); }

const void *GgufKv::scalar_or_element(uint32_t element_type, size_t i) const {
    if (!is_array())
        return gguf_get_val_data(file_->raw(), id_);
    if (i >= array_size())
        fail("has " + std::to_string(array_size()) + " elements, index " + std::to_string(i) + " is out of range");
    return static_cast<const uint8_t *>(gguf_get_arr_data(file_->raw(), id_)) + i * value_size(element_type);
}

int64_t GgufKv::read_int(size_t i) const {
    const uint32_t t = element_type();
    if (!is_integer(t))
        fail("is " + type_name() + ", not an integer");
    const void *p = scalar_or_element(t, i);
    switch (t) {
    case GGUF_TYPE_UINT8:
        return load<uint8_t>(p);
    case GGUF_TYPE_INT8:
        return load<int8_t>(p);
    case GGUF_TYPE_UINT16:
        return load<uint16_t>(p);
    case GGUF_TYPE_INT16:
        return load<int16_t>(p);
    case GGUF_TYPE_UINT32:
        return load<uint32_t>(p);
    case GGUF_TYPE_INT32:
        return load<int32_t>(p);
    case GGUF_TYPE_INT64:
        return load<int64_t>(p);
    default:
        break;
    }
    const auto value = load<uint64_t>(p);
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail("holds uint64 " + std::to_string(value) + ", beyond int64");
    return static_cast<int64_t>(value);
}

double GgufKv::read_double(size_t i) const {
    const uint32_t t = element_type();
    if (t == GGUF_TYPE_FLOAT32)
        return load<float>(scalar_or_element(t, i));
    if (t == GGUF_TYPE_FLOAT64)
        return load<double>(scalar_or_element(t, i));
    if (is_integer(t))
        return static_cast<double>(read_int(i));
    fail("is " + type_name() + ", not a number");
}

bool GgufKv::read_bool(size_t i) const {
    const uint32_t t = element_type();
    if (t != GGUF_TYPE_BOOL)
        fail("is " + type_name() + ", not a bool");
    return load<int8_t>(scalar_or_element(t, i)) != 0;
}

std::string GgufKv::read_string(size_t i) const {
    if (element_type() != GGUF_TYPE_STRING)
        fail("is " + type_name() + ", not a string");
    if (!is_array())
        return gguf_get_val_str(file_->raw(), id_);
    if (i >= array_size())
        fail("has " + std::to_string(array_size()) + " elements, index " + std::to_string(i) + " is out of range");
    return gguf_get_arr_str(file_->raw(), id_, i);
}

void GgufKv::require_scalar() const {
    if (is_array())
        fail("is " + type_name() + ", not a scalar");
}

void GgufKv::require_array() const {
    if (!is_array())
        fail("is " + type_name() + ", not an array");
}

int64_t GgufKv::as_int() const {
    require_scalar();
    return read_int(0);
}
double GgufKv::as_double() const {
    require_scalar();
    return read_double(0);
}
bool GgufKv::as_bool() const {
    require_scalar();
    return read_bool(0);
}
std::string GgufKv::as_string() const {
    require_scalar();
    return read_string(0);
}

int64_t GgufKv::int_at(size_t i) const {
    require_array();
    return read_int(i);
}
double GgufKv::double_at(size_t i) const {
    require_array();
    return read_double(i);
}
bool GgufKv::bool_at(size_t i) const {
    require_array();
    return read_bool(i);
}
std::string GgufKv::string_at(size_t i) const {
    require_array();
    return read_string(i);
}

void GgufKv::fail(const std::string &what) const {
    throw std::runtime_error(file_->path().string() + ": key '" + key() + "' " + what);
}

// ---- GgufFile ----

void GgufFile::ContextDeleter::operator()(gguf_context *ctx) const { gguf_free(ctx); }

GgufFile::GgufFile(std::filesystem::path path) : path_(std::move(path)) {
    detail::init_logging();
    if (!std::filesystem::is_regular_file(path_))
        throw std::runtime_error(path_.string() + ": no such GGUF file");
    gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
    ctx_.reset(gguf_init_from_file(path_.c_str(), params));
    if (!ctx_)
        throw std::runtime_error(path_.string() + ": ggml's gguf reader rejected the file" +
                                 detail::logged_errors_suffix());
    check_tensor_data_in_file();
}

// The no_alloc reader never touches tensor data, so a truncated file would pass;
// llama.cpp's loader rejects it, and so does the oracle.
void GgufFile::check_tensor_data_in_file() const {
    const uint64_t file_size = std::filesystem::file_size(path_);
    for (const auto &t : tensors()) {
        const uint64_t end = data_offset() + t.offset + t.size;
        if (end > file_size)
            throw std::runtime_error(path_.string() + ": tensor '" + t.name + "' ends at byte " + std::to_string(end) +
                                     " but the file has " + std::to_string(file_size));
    }
}

GgufFile::~GgufFile() = default;
GgufFile::GgufFile(GgufFile &&) noexcept = default;
GgufFile &GgufFile::operator=(GgufFile &&) noexcept = default;

uint32_t GgufFile::version() const { return gguf_get_version(raw()); }
size_t GgufFile::alignment() const { return gguf_get_alignment(raw()); }
size_t GgufFile::data_offset() const { return gguf_get_data_offset(raw()); }
int64_t GgufFile::kv_count() const { return gguf_get_n_kv(raw()); }

std::vector<std::string> GgufFile::keys() const {
    std::vector<std::string> keys;
    for (int64_t id = 0; id < kv_count(); ++id)
        keys.emplace_back(gguf_get_key(raw(), id));
    return keys;
}

bool GgufFile::has_key(std::string_view key) const { return gguf_find_key(raw(), std::string(key).c_str()) >= 0; }

GgufKv GgufFile::kv(std::string_view key) const {
    const int64_t id = gguf_find_key(raw(), std::string(key).c_str());
    if (id < 0)
        throw std::runtime_error(path_.string() + ": no key '" + std::string(key) + "'");
    return GgufKv(*this, id);
}

GgufKv GgufFile::kv_at(int64_t id) const {
    if (id < 0 || id >= kv_count())
        throw std::out_of_range(path_.string() + ": key index " + std::to_string(id) + " out of range");
    return GgufKv(*this, id);
}

GgufTensorInfo GgufFile::tensor_at(int64_t id) const {
    GgufTensorInfo info;
    info.name = gguf_get_tensor_name(raw(), id);
    info.type = gguf_get_tensor_type(raw(), id);
    const int64_t *ne = gguf_get_tensor_ne(raw(), id);
    std::copy(ne, ne + info.ne.size(), info.ne.begin());
    info.offset = gguf_get_tensor_offset(raw(), id);
    info.size = gguf_get_tensor_size(raw(), id);
    return info;
}

std::vector<GgufTensorInfo> GgufFile::tensors() const {
    std::vector<GgufTensorInfo> out;
    for (int64_t id = 0; id < gguf_get_n_tensors(raw()); ++id)
        out.push_back(tensor_at(id));
    return out;
}

std::optional<GgufTensorInfo> GgufFile::find_tensor(std::string_view name) const {
    const int64_t id = gguf_find_tensor(raw(), std::string(name).c_str());
    if (id < 0)
        return std::nullopt;
    return tensor_at(id);
}

GgufTensorInfo GgufFile::tensor(std::string_view name) const {
    auto info = find_tensor(name);
    if (!info)
        throw std::runtime_error(path_.string() + ": no tensor '" + std::string(name) + "'");
    return *info;
}

std::vector<uint8_t> GgufFile::read_tensor_data(const GgufTensorInfo &tensor) const {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(data_offset() + tensor.offset));
    std::vector<uint8_t> bytes(tensor.size);
    in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in)
        throw std::runtime_error(path_.string() + ": cannot read " + std::to_string(tensor.size) +
                                 " bytes of tensor '" + tensor.name + "'");
    return bytes;
}

} // namespace oracle
