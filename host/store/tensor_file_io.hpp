// Writing and reading tensors/<uuid>.gmat files (see tensor_file.hpp).
#pragma once

#include "store/tensor_file.hpp"

#include <xxhash.h>

#include <cstdint>
#include <filesystem>
#include <memory>

namespace gmat {

// Streams one tensor's payload to a new file, hashing as it goes; finish()
// writes the final header and syncs. Destroying it unfinished removes the file.
class TensorFileWriter {
public:
    TensorFileWriter(const std::filesystem::path &file, TensorFileHeader header);
    TensorFileWriter(const TensorFileWriter &) = delete;
    TensorFileWriter &operator=(const TensorFileWriter &) = delete;
    ~TensorFileWriter();
    void append(const void *data, uint64_t n_bytes);
    // Returns the payload checksum.
    uint64_t finish();

private:
    std::filesystem::path file_;
    TensorFileHeader header_;
    int fd_ = -1;
    uint64_t written_ = 0;
    XXH3_state_t *hash_ = nullptr;
};

// A memory-mapped tensor file. The header is checked on open; the payload
// checksum is checked by verify() or incrementally through PayloadVerifier.
class TensorFileReader {
public:
    // uuid and expected_name (from metadata.json) are used in messages, so a
    // corrupt header is still reported with the tensor's name.
    TensorFileReader(const std::filesystem::path &file, std::string uuid, std::string expected_name = {});
    TensorFileReader(const TensorFileReader &) = delete;
    TensorFileReader &operator=(const TensorFileReader &) = delete;
    ~TensorFileReader();

    const TensorFileHeader &header() const { return header_; }
    const std::filesystem::path &file() const { return file_; }
    const std::string &uuid() const { return uuid_; }
    const uint8_t *payload() const { return base_ + payload_offset_; }
    // Throws GmatError naming tensor, uuid and file when the payload checksum differs.
    void verify() const;
    std::string describe() const; // "tensor 'model.norm.weight' (uuid ...)"
    // Lets the kernel drop the mapped pages of payload bytes [offset, offset + n).
    void release_pages(uint64_t offset, uint64_t n_bytes) const;

private:
    std::filesystem::path file_;
    std::string uuid_;
    std::string expected_name_;
    TensorFileHeader header_;
    uint8_t *base_ = nullptr;
    uint64_t size_ = 0;
    uint64_t payload_offset_ = 0;
};

// Hashes a payload in order, chunk by chunk, and checks it at the end.
class PayloadVerifier {
public:
    explicit PayloadVerifier(const TensorFileReader &reader);
    ~PayloadVerifier();
    void update(uint64_t offset, uint64_t n_bytes); // must be called in order, without gaps
    void finish() const;                            // throws on mismatch or short coverage

private:
    const TensorFileReader &reader_;
    XXH3_state_t *state_;
    uint64_t next_ = 0;
};

} // namespace gmat
