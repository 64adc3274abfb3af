#include "header_entries.hpp"

#include "errors.hpp"
#include "json_text.hpp"
#include "utf8.hpp"

#include <cstdio>
#include <set>
#include <string_view>

namespace gmat::safetensors {

namespace {

using rapidjson::Value;

constexpr std::string_view kMetadataKey = "__metadata__";
constexpr const char *kEntryFields = "(a tensor entry has exactly the fields dtype, shape and data_offsets)";

std::string_view text_of(const Value &string) { return {string.GetString(), string.GetStringLength()}; }

// A JSON value as a message shows it: numbers by value, the rest by type.
std::string describe(const Value &v) {
    if (v.IsUint64()) return std::to_string(v.GetUint64());
    if (v.IsInt64()) return std::to_string(v.GetInt64());
    if (v.IsDouble()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", v.GetDouble());
        return text;
    }
    return std::string("a JSON ") + json_type_name(v);
}

void check_metadata(const std::string &file, const Value &metadata) {
    if (!metadata.IsObject())
        format_error(file, "__metadata__ must be an object of string values, found " + describe(metadata));
    std::set<std::string_view> keys;
    for (const auto &m : metadata.GetObject()) {
        const std::string key(text_of(m.name));
        if (!keys.insert(text_of(m.name)).second) format_error(file, "__metadata__ key '" + key + "' appears twice");
        if (!m.value.IsString())
            format_error(file, "__metadata__ value of '" + key + "' must be a string, found " + describe(m.value));
    }
}

// Names cross the plugin boundary as C strings, so a NUL would cut them short.
void check_tensor_name(const std::string &file, std::string_view name, size_t position) {
    if (name.empty())
        format_error(file, "entry #" + std::to_string(position) + " of the header has an empty tensor name");
    if (name.find('\0') != std::string_view::npos)
        tensor_format_error(file, name.substr(0, name.find('\0')), "name contains a NUL character (\\u0000)");
    if (first_invalid_utf8(name)) // only an escape like \udc00 gets here: the raw text was checked
        format_error(file, "entry #" + std::to_string(position) +
                               " of the header has a tensor name that is not valid UTF-8 (a lone surrogate escape?)");
}

struct EntryFields {
    const Value *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
};

EntryFields find_fields(const std::string &file, std::string_view name, const Value &entry) {
    if (!entry.IsObject()) tensor_format_error(file, name, "entry must be a JSON object, found " + describe(entry));
    EntryFields fields;
    for (const auto &m : entry.GetObject()) {
        const std::string_view key = text_of(m.name);
        const Value **slot = key == "dtype"          ? &fields.dtype
                             : key == "shape"        ? &fields.shape
                             : key == "data_offsets" ? &fields.offsets
                                                     : nullptr;
        if (slot == nullptr)
            tensor_format_error(file, name, "unexpected field '" + std::string(key) + "' " + kEntryFields);
        if (*slot != nullptr) tensor_format_error(file, name, "field '" + std::string(key) + "' appears twice");
        *slot = &m.value;
    }
    for (auto [field, label] :
         {std::pair{fields.dtype, "dtype"}, {fields.shape, "shape"}, {fields.offsets, "data_offsets"}})
        if (field == nullptr)
            tensor_format_error(file, name, std::string("missing field '") + label + "' " + kEntryFields);
    return fields;
}

const Dtype *read_dtype(const std::string &file, std::string_view name, const Value &v) {
    if (!v.IsString()) tensor_format_error(file, name, "dtype must be a string, found " + describe(v));
    const Dtype *dtype = find_dtype(text_of(v));
    if (dtype == nullptr)
        tensor_format_error(file, name,
                            "unknown dtype '" + std::string(text_of(v)) + "' (known: " + known_dtype_names() + ")");
    return dtype;
}

std::vector<uint64_t> read_shape(const std::string &file, std::string_view name, const Value &v) {
    if (!v.IsArray())
        tensor_format_error(file, name, "shape must be an array of non-negative integers, found " + describe(v));
    std::vector<uint64_t> shape;
    for (const Value &dim : v.GetArray()) {
        if (!dim.IsUint64())
            tensor_format_error(file, name,
                                "shape[" + std::to_string(shape.size()) + "] is " + describe(dim) +
                                    "; dimensions must be non-negative integers");
        shape.push_back(dim.GetUint64());
    }
    if (shape.size() > GMAT_MAX_DIMS)
        fail_tensor(GMAT_ERROR_UNSUPPORTED, file, name,
                    "shape has " + std::to_string(shape.size()) + " dimensions; at most " +
                        std::to_string(GMAT_MAX_DIMS) + " are supported");
    return shape;
}

void read_offsets(const std::string &file, std::string_view name, const Value &v, TensorEntry &t) {
    if (!v.IsArray() || v.Size() != 2 || !v[0].IsUint64() || !v[1].IsUint64())
        tensor_format_error(file, name, "data_offsets must be two non-negative integers [begin, end]");
    t.begin = v[0].GetUint64();
    t.end = v[1].GetUint64();
    if (t.begin > t.end)
        tensor_format_error(file, name,
                            "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                "] has begin > end");
}

// The byte size shape and dtype imply; throws when it does not fit 64 bits.
uint64_t expected_bytes(const std::string &file, std::string_view name, const TensorEntry &t) {
    uint64_t bytes = t.dtype->size;
    for (uint64_t dim : t.shape)
        if (__builtin_mul_overflow(bytes, dim, &bytes))
            tensor_format_error(file, name,
                                "shape " + bracketed(t.shape.data(), t.shape.size()) + " of " + t.dtype->name +
                                    " overflows 64 bits (elements × " + std::to_string(t.dtype->size) +
                                    " bytes per element)");
    return bytes;
}

TensorEntry read_entry(const std::string &file, std::string_view name, const Value &entry) {
    const EntryFields fields = find_fields(file, name, entry);
    TensorEntry t{std::string(name), read_dtype(file, name, *fields.dtype), read_shape(file, name, *fields.shape), 0,
                  0};
    read_offsets(file, name, *fields.offsets, t);
    const uint64_t expected = expected_bytes(file, name, t);
    if (t.n_bytes() != expected) {
        const uint64_t offsets[2] = {t.begin, t.end};
        tensor_format_error(file, name,
                            "data_offsets " + bracketed(offsets, 2) + " span " + std::to_string(t.n_bytes()) +
                                " bytes but shape " + bracketed(t.shape.data(), t.shape.size()) + " of " +
                                t.dtype->name + " needs " + std::to_string(expected) + " bytes");
    }
    return t;
}

} // namespace

std::vector<TensorEntry> read_tensor_entries(const std::string &file, const Value &header) {
    std::vector<TensorEntry> tensors;
    std::set<std::string_view> names; // RapidJSON keeps duplicate keys; the format forbids them
    size_t position = 0;
    for (const auto &m : header.GetObject()) {
        const std::string_view name = text_of(m.name);
        if (!names.insert(name).second)
            tensor_format_error(file, name, "name appears twice in the header; names must be unique");
        if (name == kMetadataKey)
            check_metadata(file, m.value);
        else {
            check_tensor_name(file, name, position);
            tensors.push_back(read_entry(file, name, m.value));
        }
        ++position;
    }
    return tensors;
}

} // namespace gmat::safetensors
