#include "gguf/gguf_inspection.hpp"

#include "common/error.hpp"
#include "plugins/plugin_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat {

namespace {

struct TypeRow {
    uint32_t id;
    const char *name;
    uint32_t elements, bytes;
};

// ggml's public type table (ggml.h / ggml.c type traits): id, name, block geometry.
constexpr TypeRow kTypes[] = {
    {0, "f32", 1, 4},        {1, "f16", 1, 2},        {2, "q4_0", 32, 18},     {3, "q4_1", 32, 20},
    {6, "q5_0", 32, 22},     {7, "q5_1", 32, 24},     {8, "q8_0", 32, 34},     {9, "q8_1", 32, 36},
    {10, "q2_k", 256, 84},   {11, "q3_k", 256, 110},  {12, "q4_k", 256, 144},  {13, "q5_k", 256, 176},
    {14, "q6_k", 256, 210},  {15, "q8_k", 256, 292},  {16, "iq2_xxs", 256, 66}, {17, "iq2_xs", 256, 74},
    {18, "iq3_xxs", 256, 98}, {19, "iq1_s", 256, 50}, {20, "iq4_nl", 32, 18},  {21, "iq3_s", 256, 110},
    {22, "iq2_s", 256, 82},  {23, "iq4_xs", 256, 136}, {24, "i8", 1, 1},      {25, "i16", 1, 2},
    {26, "i32", 1, 4},       {27, "i64", 1, 8},       {28, "f64", 1, 8},       {29, "iq1_m", 256, 56},
    {30, "bf16", 1, 2},      {34, "tq1_0", 256, 54},  {35, "tq2_0", 256, 66},
};

const TypeRow *type_row(uint32_t id) {
    for (const auto &row : kTypes)
        if (row.id == id) return &row;
    return nullptr;
}

bool mul_overflows(uint64_t a, uint64_t b, uint64_t *out) { return __builtin_mul_overflow(a, b, out); }

template <class T> std::string number_text(const T &v) {
    std::ostringstream s;
    if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>) s << static_cast<int>(v);
    else s << v;
    return s.str();
}

std::string quoted(const std::string &s, size_t max_chars = 80) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < max_chars; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\n') out += "\\n";
        else if (c < 0x20) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else out += static_cast<char>(c);
    }
    if (s.size() > max_chars) out += "...(" + std::to_string(s.size()) + " bytes)";
    return out + "\"";
}

} // namespace

std::optional<std::pair<uint32_t, uint32_t>> ggml_block_geometry(uint32_t ggml_type) {
    if (const TypeRow *row = type_row(ggml_type)) return std::make_pair(row->elements, row->bytes);
    return std::nullopt;
}

std::string ggml_type_label(uint32_t ggml_type) {
    if (const TypeRow *row = type_row(ggml_type)) return row->name;
    return "type " + std::to_string(ggml_type);
}

std::string metadata_value_text(const MetadataValue &value, size_t max_items) {
    return std::visit(
        [&](const auto &v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return quoted(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                return v ? "true" : "false";
            } else if constexpr (std::is_arithmetic_v<T>) {
                return number_text(v);
            } else {
                std::string out = "[" + std::to_string(v.size()) + " values: ";
                for (size_t i = 0; i < v.size() && i < max_items; ++i) {
                    if (i) out += ", ";
                    if constexpr (std::is_same_v<T, std::vector<std::string>>) out += quoted(v[i], 24);
                    else out += number_text(v[i]);
                }
                if (v.size() > max_items) out += ", ...";
                return out + "]";
            }
        },
        value);
}

std::vector<fs::path> gguf_files_at(const fs::path &path) {
    std::vector<fs::path> files;
    if (fs::is_directory(path)) {
        for (const auto &e : fs::directory_iterator(path))
            if (e.is_regular_file() && e.path().extension() == ".gguf") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.empty()) throw GmatError(path.string() + ": no .gguf files in this folder");
        return files;
    }
    if (!fs::exists(path)) throw GmatError(path.string() + ": no such file");
    static const std::regex shard(R"((.*)-(\d{5})-of-(\d{5})\.gguf)");
    std::smatch m;
    const std::string name = path.filename().string();
    if (!std::regex_match(name, m, shard)) return {path};
    const unsigned count = static_cast<unsigned>(std::stoul(m[3].str()));
    for (unsigned i = 1; i <= count; ++i) {
        char suffix[32];
        std::snprintf(suffix, sizeof suffix, "-%05u-of-%05u.gguf", i, count);
        const fs::path f = path.parent_path() / (m[1].str() + suffix);
        if (!fs::exists(f)) throw GmatError(f.string() + ": shard " + std::to_string(i) + " of " + std::to_string(count) + " is missing");
        files.push_back(f);
    }
    return files;
}

InspectedGguf inspect_gguf(const std::vector<fs::path> &files, const PluginRegistry *registry) {
    InspectedGguf out;
    out.files = files;
    std::set<std::string> names;
    for (uint32_t f = 0; f < files.size(); ++f) {
        out.readers.push_back(std::make_unique<GgufReader>(files[f]));
        const GgufReader &reader = *out.readers.back();
        const std::string where = files[f].string();
        std::vector<std::pair<uint64_t, uint64_t>> extents; // [offset, end) in the data section
        for (const GgufTensorEntry &e : reader.tensors()) {
            const std::string tensor = where + ": tensor '" + e.name + "'";
            if (!names.insert(e.name).second) throw GmatError(tensor + ": the name appears twice");
            InspectedTensor t;
            t.name = e.name;
            t.ggml_type = e.type;
            t.ne = e.ne;
            t.file = f;
            t.elements = 1;
            for (uint64_t n : e.ne)
                if (mul_overflows(t.elements, n, &t.elements)) throw GmatError(tensor + ": too many elements");
            auto geometry = ggml_block_geometry(e.type);
            t.type_name = ggml_type_label(e.type);
            if (!geometry && registry)
                if (const QuantType *q = registry->find_quant_type_by_gguf(e.type)) {
                    geometry = std::make_pair(q->block_elements(), q->block_bytes());
                    t.type_name = q->name();
                }
            if (geometry) {
                if (e.ne.empty() || e.ne[0] % geometry->first != 0)
                    throw GmatError(tensor + ": rows of " + std::to_string(e.ne.empty() ? 0 : e.ne[0]) +
                                    " values are not whole blocks of " + t.type_name + " (" +
                                    std::to_string(geometry->first) + " values)");
                uint64_t bytes = 0;
                if (mul_overflows(t.elements / geometry->first, geometry->second, &bytes))
                    throw GmatError(tensor + ": too many bytes");
                t.bytes = bytes;
                if (e.offset % reader.alignment() != 0)
                    throw GmatError(tensor + ": offset " + std::to_string(e.offset) + " is not a multiple of the alignment " +
                                    std::to_string(reader.alignment()));
                const uint64_t room = reader.file_size() - reader.data_offset();
                if (e.offset > room || bytes > room - e.offset)
                    throw GmatError(tensor + ": its " + std::to_string(bytes) + " bytes at offset " +
                                    std::to_string(e.offset) + " lie beyond the end of the file");
                extents.emplace_back(e.offset, e.offset + bytes);
                out.tensor_bytes += bytes;
            }
            out.elements += t.elements;
            out.tensors.push_back(std::move(t));
        }
        std::sort(extents.begin(), extents.end());
        for (size_t i = 1; i < extents.size(); ++i)
            if (extents[i].first < extents[i - 1].second)
                throw GmatError(where + ": two tensors overlap at data offset " + std::to_string(extents[i].first));
    }
    return out;
}

} // namespace gmat
