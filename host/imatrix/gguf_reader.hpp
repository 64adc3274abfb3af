// A small, bounds-checked GGUF reader: key/values and tensor infos, and the
// bytes of a tensor. Enough to read llama.cpp's imatrix files; every malformed
// file is an error naming the file and the field, never a crash.
#pragma once

#include "metadata/metadata.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat {

struct GgufTensorEntry {
    std::string name;
    std::vector<uint64_t> ne; // ggml order
    uint32_t type = 0;        // ggml_type
    uint64_t offset = 0;      // from the data section
};

class GgufReader {
public:
    explicit GgufReader(const std::filesystem::path &file);
    // True when the file starts with the GGUF magic.
    static bool looks_like_gguf(const std::filesystem::path &file);

    const Metadata &metadata() const { return metadata_; }
    const std::vector<GgufTensorEntry> &tensors() const { return tensors_; }
    // The F32 values of a tensor (type 0 only).
    std::vector<float> read_f32(const GgufTensorEntry &tensor) const;

private:
    std::filesystem::path file_;
    std::vector<uint8_t> bytes_;
    Metadata metadata_;
    std::vector<GgufTensorEntry> tensors_;
    uint64_t data_offset_ = 0;
};

} // namespace gmat
