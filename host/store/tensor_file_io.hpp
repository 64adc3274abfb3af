// Writing and reading tensors/<uuid>.gmat files (see tensor_file.hpp).
#pragma once

#include "store/codec_block_format.hpp"
#include "store/codec_chunk.hpp"
#include "store/tensor_file.hpp"

#include <xxhash.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gmat {

class TensorFileReader;

struct TensorWriteOptions {
    TensorEncoding encoding = TensorEncoding::raw;
    // Given: the file is a delta (zstd_planes_delta) against this tensor, which
    // must have the same payload size; each chunk is stored as the smaller of
    // plain and XOR-with-base. If no chunk gains from the base, the file is
    // written as plain zstd_planes and does not depend on the base.
    const TensorFileReader *base = nullptr;
    std::string base_ref; // recorded for the repository to find the base again
    int zstd_level = kDefaultZstdLevel;
    uint32_t chunk_bytes = kDefaultChunkBytes;
};

// Streams one tensor's payload to a new file, hashing (and, for an encoded
// file, compressing chunk by chunk) as it goes; finish() writes the index and
// final header and syncs. Destroying it unfinished removes the file. Memory:
// about two chunks plus zstd's context, whatever the tensor's size.
class TensorFileWriter {
public:
    TensorFileWriter(const std::filesystem::path &file, TensorFileHeader header, TensorWriteOptions options = {});
    TensorFileWriter(const TensorFileWriter &) = delete;
    TensorFileWriter &operator=(const TensorFileWriter &) = delete;
    ~TensorFileWriter();
    void append(const void *data, uint64_t n_bytes);
    // Returns the payload checksum (of the logical bytes).
    uint64_t finish();
    // After finish(): the header written (encoding, stored bytes, base).
    const TensorFileHeader &header() const { return header_; }

private:
    void start_encoding(const TensorWriteOptions &options);
    void write_chunk(const uint8_t *data, uint64_t n_bytes);
    void finish_encoded();

    std::filesystem::path file_;
    TensorFileHeader header_;
    int fd_ = -1;
    uint64_t written_ = 0;
    XXH3_state_t *hash_ = nullptr;
    // Encoded files only.
    uint64_t header_size_ = 0;
    const TensorFileReader *base_ = nullptr;
    std::unique_ptr<ChunkEncoder> encoder_;
    std::vector<uint8_t> pending_, stored_, base_bytes_;
    std::vector<ChunkIndexEntry> index_;
    uint64_t stored_offset_ = 0;
    bool used_base_ = false;
};

// A memory-mapped tensor file. The header (and an encoded file's index) is
// checked on open. A raw payload is checked by verify() or incrementally
// through PayloadVerifier; an encoded payload is also checked chunk by chunk
// as read() decodes it, so no decoded byte is handed out unchecked.
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
    bool encoded() const { return header_.encoding != TensorEncoding::raw; }
    // Raw files only: the mapped payload. Throws naming the tensor for an encoded file.
    const uint8_t *payload() const;
    // Copies logical payload bytes [offset, offset + n_bytes) to dst, for
    // every encoding. Thread-safe; decodes only the chunks it needs.
    void read(uint64_t offset, uint64_t n_bytes, uint8_t *dst) const;
    // Logical payload bytes [offset, offset + n_bytes) where they lie as they
    // are in the mapped file (a raw payload), else nullptr: read() them. The
    // pointer lives as long as the reader.
    const uint8_t *view(uint64_t offset, uint64_t n_bytes) const;
    // The same bytes either way: in place (view) for a raw payload, else
    // read() into `scratch` (any byte vector; resized). Valid until scratch changes.
    template <class ByteVector>
    const uint8_t *bytes(uint64_t offset, uint64_t n_bytes, ByteVector &scratch) const {
        if (const uint8_t *mapped = view(offset, n_bytes)) return mapped;
        scratch.resize(n_bytes);
        read(offset, n_bytes, scratch.data());
        return scratch.data();
    }
    // Bytes after the header: the payload, or an encoded file's chunks and index.
    uint64_t stored_payload_bytes() const { return header_.stored_bytes; }
    // A delta file needs its base before read() or verify(); throws, naming
    // both files, when base is not the tensor the delta was made against.
    void attach_base(std::unique_ptr<TensorFileReader> base);
    const TensorFileReader *base() const { return base_reader_.get(); }
    // Throws GmatError naming tensor, uuid and file when the payload (or a chunk) is corrupt.
    void verify() const;
    std::string describe() const; // "tensor 'model.norm.weight' (uuid ...)"
    // Lets the kernel drop the mapped pages behind payload bytes [offset, offset + n).
    void release_pages(uint64_t offset, uint64_t n_bytes) const;

private:
    void load_index();
    uint64_t chunk_length(uint64_t chunk) const;
    void decode_chunk_into(uint64_t chunk, uint8_t *dst) const; // checks the chunk's checksums
    const uint8_t *base_bytes(uint64_t chunk) const;             // the base's bytes of the chunk's range
    std::string chunk_where(uint64_t chunk) const;               // "chunk 3 of 10 (payload bytes ...)"
    [[noreturn]] void throw_corrupt(const std::string &what) const;

    std::filesystem::path file_;
    std::string uuid_;
    std::string expected_name_;
    TensorFileHeader header_;
    uint8_t *map_ = nullptr;
    uint64_t size_ = 0;
    uint64_t payload_offset_ = 0;
    std::vector<ChunkIndexEntry> index_;
    std::unique_ptr<TensorFileReader> base_reader_;
    uint64_t cache_id_ = 0;
};

// Hashes a payload in order, chunk by chunk, and checks it at the end.
// For an encoded file it decodes what it hashes (read() checks chunks as it
// decodes, so callers that read() every byte anyway need not use this).
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
