// A whole file mapped read-only into memory.
//
// Tensors are copied straight out of the mapping, so the reader never holds a
// second copy of the model; drop_pages() hands pages the host is done with
// back to the kernel, which keeps resident memory low while a model larger
// than RAM streams through.
#pragma once

#include <cstdint>
#include <string>

namespace gmat::safetensors {

class MappedFile {
public:
    // Throws an IO error naming path when it cannot be opened, is not a
    // regular file, or cannot be mapped.
    explicit MappedFile(std::string path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::string &path() const { return path_; }
    // The size the file had when it was opened; everything is validated against it.
    uint64_t size() const { return size_; }
    // nullptr for an empty file.
    const uint8_t *data() const { return data_; }

    // Touching a mapped page past the end of a file that shrank raises
    // SIGBUS, so every read first checks that the file still holds [0, end).
    // Throws an IO error naming the file and both sizes otherwise.
    void require_still_covers(uint64_t end) const;

    // Releases the pages lying wholly inside [begin, end): the next access
    // reads them from the page cache or the disk again.
    void drop_pages(uint64_t begin, uint64_t end) const noexcept;

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    uint8_t *data_ = nullptr;
};

} // namespace gmat::safetensors
