// An opened source (a safetensors file or folder...) through a reader plugin.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gmat {

class LoadedLibrary;

struct SourceTensor {
    std::string name;
    gmat_dtype dtype;
    std::vector<uint64_t> shape; // PyTorch order, outermost first
    uint64_t n_bytes;
    std::string source_file;
};

class SourceReader {
public:
    SourceReader(std::shared_ptr<const LoadedLibrary> library, const gmat_reader_api *api,
                 std::string format, const std::filesystem::path &path);
    SourceReader(SourceReader &&) noexcept = default;
    SourceReader &operator=(SourceReader &&) noexcept = default;

    const std::string &format() const { return format_; }
    const std::filesystem::path &path() const { return path_; }
    const std::vector<SourceTensor> &tensors() const { return tensors_; }
    // Copies bytes [offset, offset + n_bytes) of tensor index; thread-safe.
    void read(uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst) const;
    void release(uint64_t index) const;

private:
    struct Handle;
    std::shared_ptr<const LoadedLibrary> library_;
    const gmat_reader_api *api_;
    std::string format_;
    std::filesystem::path path_;
    std::shared_ptr<gmat_reader> handle_;
    std::vector<SourceTensor> tensors_;
};

} // namespace gmat
