// A small, bounds-checked GGUF reader: key/values and tensor infos, and the
// bytes of a tensor. It reads llama.cpp's imatrix files and, for `gmat
// inspect`, any GGUF (the file is mapped, not read: a large model costs only
// the pages of its header); every malformed file is an error naming the file
// and the field, never a crash.
#pragma once

#include "metadata/metadata.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
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
    ~GgufReader();
    // True when the file starts with the GGUF magic.
    static bool looks_like_gguf(const std::filesystem::path &file);

    const Metadata &metadata() const { return metadata_; }
    const std::vector<GgufTensorEntry> &tensors() const { return tensors_; }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; } // from the start of the file
    uint64_t file_size() const { return map_->size; }
    // The F32 values of a tensor (type 0 only).
    std::vector<float> read_f32(const GgufTensorEntry &tensor) const;

private:
    struct MappedFile {
        explicit MappedFile(const std::filesystem::path &file);
        ~MappedFile();
        MappedFile(const MappedFile &) = delete;
        MappedFile &operator=(const MappedFile &) = delete;
        const uint8_t *data = nullptr;
        uint64_t size = 0;
    };
    std::filesystem::path file_;
    std::unique_ptr<MappedFile> map_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    Metadata metadata_;
    std::vector<GgufTensorEntry> tensors_;
    uint64_t data_offset_ = 0;
};

} // namespace gmat
