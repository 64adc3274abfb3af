// One .safetensors file (a whole checkpoint or one shard): its mapping and
// its validated header. Reads copy out of the mapping.
#pragma once

#include "header.hpp"
#include "mapped_file.hpp"

#include <string>
#include <vector>

namespace gmat::safetensors {

class SafetensorsFile {
public:
    // Maps path and validates its header against the file's size, so no
    // tensor can point past the end of the file as it was when opened.
    explicit SafetensorsFile(const std::string &path);

    const std::string &path() const { return file_.path(); }
    const std::vector<TensorEntry> &tensors() const { return header_.tensors; }

    // Copies bytes [offset, offset + n_bytes) of tensor t (one of tensors()).
    // Safe to call from several threads at once.
    void read(const TensorEntry &t, uint64_t offset, uint64_t n_bytes, void *dst) const;
    // Drops the pages lying wholly inside tensor t.
    void release(const TensorEntry &t) const noexcept;

private:
    MappedFile file_;
    SafetensorsHeader header_;
};

} // namespace gmat::safetensors
