#include "safetensors_fixture.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

namespace gmat::test {

namespace {

uint64_t element_count(const std::vector<uint64_t> &shape) {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    return n;
}

template <class Bits> std::vector<uint8_t> bytes_of(const std::vector<Bits> &values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(Bits));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

template <class Convert> std::vector<uint16_t> halves(const std::vector<float> &values, Convert convert) {
    std::vector<uint16_t> out;
    for (float v : values) out.push_back(convert(v));
    return out;
}

void append_le64(std::vector<uint8_t> &out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

std::string shard_file_name(size_t i, size_t n) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, n);
    return name;
}

} // namespace

uint16_t f32_to_f16_bits(float x) {
    uint32_t f;
    std::memcpy(&f, &x, 4);
    const uint32_t sign = (f >> 16) & 0x8000u;
    const uint32_t abs = f & 0x7FFFFFFFu;
    if (abs >= 0x7F800000u) return uint16_t(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u)); // inf / NaN
    if (abs >= 0x477FF000u) return uint16_t(sign | 0x7C00u);                                     // overflows to inf
    if (abs < 0x38800000u) { // subnormal half (or zero): scale into the 10-bit mantissa with rounding
        const uint32_t shift = 126u - (abs >> 23);
        if (shift > 24) return uint16_t(sign);
        const uint32_t mant = (abs & 0x7FFFFFu) | 0x800000u;
        uint32_t half = mant >> shift;
        const uint32_t rest = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
        return uint16_t(sign | half);
    }
    uint32_t half = ((abs - 0x38000000u) >> 13);
    const uint32_t rest = abs & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
    return uint16_t(sign | half);
}

uint16_t f32_to_bf16_bits(float x) {
    uint32_t f;
    std::memcpy(&f, &x, 4);
    if ((f & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((f >> 16) | 0x40u); // quiet NaN
    return uint16_t((f + 0x7FFFu + ((f >> 16) & 1u)) >> 16);
}

size_t safetensors_dtype_size(std::string_view dtype) {
    static const std::pair<std::string_view, size_t> sizes[] = {
        {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8},  {"U64", 8},     {"I32", 4},    {"U32", 4},
        {"I16", 2}, {"U16", 2}, {"I8", 1},  {"U8", 1},   {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1}};
    for (const auto &[name, size] : sizes)
        if (name == dtype) return size;
    return 0;
}

SafetensorsFixture &SafetensorsFixture::add(std::string name, std::string dtype, std::vector<uint64_t> shape,
                                            std::vector<uint8_t> bytes) {
    const size_t size = safetensors_dtype_size(dtype);
    if (size != 0 && bytes.size() != element_count(shape) * size)
        throw std::invalid_argument("SafetensorsFixture::add: tensor '" + name + "' of " + dtype + " needs " +
                                    std::to_string(element_count(shape) * size) + " bytes, got " +
                                    std::to_string(bytes.size()));
    tensors_.push_back({std::move(name), std::move(dtype), std::move(shape), std::move(bytes)});
    return *this;
}

SafetensorsFixture &SafetensorsFixture::add_f32(std::string name, std::vector<uint64_t> shape,
                                                const std::vector<float> &values) {
    return add(std::move(name), "F32", std::move(shape), bytes_of(values));
}

SafetensorsFixture &SafetensorsFixture::add_f16(std::string name, std::vector<uint64_t> shape,
                                                const std::vector<float> &values) {
    return add(std::move(name), "F16", std::move(shape), bytes_of(halves(values, f32_to_f16_bits)));
}

SafetensorsFixture &SafetensorsFixture::add_bf16(std::string name, std::vector<uint64_t> shape,
                                                 const std::vector<float> &values) {
    return add(std::move(name), "BF16", std::move(shape), bytes_of(halves(values, f32_to_bf16_bits)));
}

SafetensorsFixture &SafetensorsFixture::add_random(std::string name, std::string dtype, std::vector<uint64_t> shape,
                                                   uint32_t seed) {
    const size_t size = safetensors_dtype_size(dtype);
    if (size == 0) throw std::invalid_argument("SafetensorsFixture::add_random: unknown dtype '" + dtype + "'");
    std::vector<uint8_t> bytes(element_count(shape) * size);
    std::mt19937 rng(seed);
    for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng());
    return add(std::move(name), std::move(dtype), std::move(shape), std::move(bytes));
}

SafetensorsFixture &SafetensorsFixture::metadata(std::string key, std::string value) {
    metadata_.emplace_back(std::move(key), std::move(value));
    return *this;
}

const SafetensorsFixture::Tensor &SafetensorsFixture::tensor(std::string_view name) const {
    for (const Tensor &t : tensors_)
        if (t.name == name) return t;
    throw std::out_of_range("SafetensorsFixture: no tensor named '" + std::string(name) + "'");
}

std::string SafetensorsFixture::json_string(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

std::string SafetensorsFixture::header_json(size_t first, size_t last) const {
    std::string json = "{";
    if (!metadata_.empty()) {
        json += "\"__metadata__\":{";
        for (size_t i = 0; i < metadata_.size(); ++i)
            json += (i ? "," : "") + json_string(metadata_[i].first) + ":" + json_string(metadata_[i].second);
        json += "}";
    }
    uint64_t offset = 0;
    for (size_t i = first; i < last; ++i) {
        const Tensor &t = tensors_[i];
        json +=
            (json.size() > 1 ? "," : "") + json_string(t.name) + ":{\"dtype\":" + json_string(t.dtype) + ",\"shape\":[";
        for (size_t d = 0; d < t.shape.size(); ++d) json += (d ? "," : "") + std::to_string(t.shape[d]);
        json += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.bytes.size()) + "]}";
        offset += t.bytes.size();
    }
    return json + "}";
}

std::vector<uint8_t> SafetensorsFixture::file_bytes(size_t first, size_t last) const {
    std::string header = header_json(first, last);
    header.append((8 - header.size() % 8) % 8, ' '); // the reference writer aligns the data section to 8
    std::vector<uint8_t> data;
    for (size_t i = first; i < last; ++i) data.insert(data.end(), tensors_[i].bytes.begin(), tensors_[i].bytes.end());
    return raw_file_bytes(header, data);
}

std::vector<uint8_t> SafetensorsFixture::file_bytes() const { return file_bytes(0, tensors_.size()); }

void SafetensorsFixture::write_file(const std::filesystem::path &path) const { write_bytes(path, file_bytes()); }

std::vector<std::filesystem::path> SafetensorsFixture::write_sharded(const std::filesystem::path &dir, size_t n_shards,
                                                                     bool with_index) const {
    if (n_shards == 0 || n_shards > tensors_.size())
        throw std::invalid_argument("SafetensorsFixture::write_sharded: need 1 to " + std::to_string(tensors_.size()) +
                                    " shards, asked for " + std::to_string(n_shards));
    std::filesystem::create_directories(dir);
    std::vector<std::filesystem::path> shards;
    std::vector<std::pair<std::string, std::string>> weight_map;
    for (size_t s = 0; s < n_shards; ++s) {
        const size_t first = tensors_.size() * s / n_shards, last = tensors_.size() * (s + 1) / n_shards;
        const std::string name = shard_file_name(s, n_shards);
        write_bytes(dir / name, file_bytes(first, last));
        shards.push_back(dir / name);
        for (size_t i = first; i < last; ++i) weight_map.emplace_back(tensors_[i].name, name);
    }
    if (with_index) {
        const std::string json = index_json(weight_map);
        write_bytes(dir / "model.safetensors.index.json", std::vector<uint8_t>(json.begin(), json.end()));
    }
    return shards;
}

std::string SafetensorsFixture::index_json(const std::vector<std::pair<std::string, std::string>> &tensor_to_shard) {
    std::string json = "{\n  \"metadata\": {\"total_size\": 0},\n  \"weight_map\": {";
    for (size_t i = 0; i < tensor_to_shard.size(); ++i)
        json += std::string(i ? "," : "") + "\n    " + json_string(tensor_to_shard[i].first) + ": " +
                json_string(tensor_to_shard[i].second);
    return json + "\n  }\n}\n";
}

std::vector<uint8_t> SafetensorsFixture::raw_file_bytes(std::string_view header_json, const std::vector<uint8_t> &data,
                                                        std::optional<uint64_t> declared_length) {
    std::vector<uint8_t> bytes;
    append_le64(bytes, declared_length.value_or(header_json.size()));
    bytes.insert(bytes.end(), header_json.begin(), header_json.end());
    bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
}

void SafetensorsFixture::write_raw(const std::filesystem::path &path, std::string_view header_json,
                                   const std::vector<uint8_t> &data) {
    write_bytes(path, raw_file_bytes(header_json, data));
}

void SafetensorsFixture::write_bytes(const std::filesystem::path &path, const std::vector<uint8_t> &bytes) {
    // A new file rather than a truncated one: ext4 flushes a file truncated
    // and rewritten on close (auto_da_alloc), which makes loops of rewrites slow.
    std::filesystem::remove(path);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw std::runtime_error("SafetensorsFixture: cannot write " + path.string());
}

} // namespace gmat::test
