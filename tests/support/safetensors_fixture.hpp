// Writes small safetensors checkpoints for tests: one file, shards with a
// model.safetensors.index.json, shards without one, and raw (possibly
// corrupt) files from a header string.
//
//     gmat::test::SafetensorsFixture st;
//     st.add_f32("a.weight", {2, 3}, {1, 2, 3, 4, 5, 6})
//       .add_random("b.weight", "BF16", {4, 8}, /*seed=*/7)
//       .metadata("format", "pt");
//     st.write_file(dir / "model.safetensors");
//     st.write_sharded(dir, 3, /*with_index=*/true);
//
// Files are laid out like the reference writer's: header padded with spaces
// to a multiple of 8 bytes, tensors packed in insertion order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmat::test {

// IEEE binary16 / bfloat16 bits of x, rounded to nearest even.
uint16_t f32_to_f16_bits(float x);
uint16_t f32_to_bf16_bits(float x);

// Bytes per element of a safetensors dtype name ("F32" -> 4), 0 when unknown.
size_t safetensors_dtype_size(std::string_view dtype);

class SafetensorsFixture {
public:
    struct Tensor {
        std::string name;
        std::string dtype; // as written in the header: "F32", "BF16"...
        std::vector<uint64_t> shape;
        std::vector<uint8_t> bytes;
    };

    // Adds a tensor with its raw little-endian payload. For a known dtype the
    // payload must hold exactly shape × element size bytes (throws otherwise);
    // an unknown dtype name is written as given, for corruption tests.
    SafetensorsFixture &add(std::string name, std::string dtype, std::vector<uint64_t> shape,
                            std::vector<uint8_t> bytes);
    // Float tensors from values, converted to the dtype.
    SafetensorsFixture &add_f32(std::string name, std::vector<uint64_t> shape, const std::vector<float> &values);
    SafetensorsFixture &add_f16(std::string name, std::vector<uint64_t> shape, const std::vector<float> &values);
    SafetensorsFixture &add_bf16(std::string name, std::vector<uint64_t> shape, const std::vector<float> &values);
    // A tensor of any known dtype filled with deterministic pseudo-random bytes.
    SafetensorsFixture &add_random(std::string name, std::string dtype, std::vector<uint64_t> shape, uint32_t seed);
    // An entry of "__metadata__".
    SafetensorsFixture &metadata(std::string key, std::string value);

    const std::vector<Tensor> &tensors() const { return tensors_; }
    // Throws std::out_of_range when no tensor has that name.
    const Tensor &tensor(std::string_view name) const;

    // The complete file holding every tensor.
    std::vector<uint8_t> file_bytes() const;
    void write_file(const std::filesystem::path &path) const;

    // Splits the tensors, in insertion order, into n_shards groups of nearly
    // equal count written as <dir>/model-0000i-of-0000n.safetensors (dir is
    // created); with_index also writes <dir>/model.safetensors.index.json.
    // Returns the shard paths in order.
    std::vector<std::filesystem::path> write_sharded(const std::filesystem::path &dir, size_t n_shards,
                                                     bool with_index) const;
    // The index.json text mapping each tensor to its shard file name.
    static std::string index_json(const std::vector<std::pair<std::string, std::string>> &tensor_to_shard);

    // A raw file: the 8-byte length prefix (declared_length, or the header's
    // real length), the header text as given, then data.
    static std::vector<uint8_t> raw_file_bytes(std::string_view header_json, const std::vector<uint8_t> &data,
                                               std::optional<uint64_t> declared_length = std::nullopt);
    static void write_raw(const std::filesystem::path &path, std::string_view header_json,
                          const std::vector<uint8_t> &data);
    static void write_bytes(const std::filesystem::path &path, const std::vector<uint8_t> &bytes);

    // The header JSON (unpadded) for tensors [first, last), offsets from 0.
    std::string header_json(size_t first, size_t last) const;
    // A JSON string literal for s, quotes included.
    static std::string json_string(std::string_view s);

private:
    std::vector<uint8_t> file_bytes(size_t first, size_t last) const;

    std::vector<Tensor> tensors_;
    std::vector<std::pair<std::string, std::string>> metadata_;
};

} // namespace gmat::test
