// The chunks of an encoded tensor file (see tensor_file.hpp): the logical
// payload cut into fixed-size pieces, each stored on its own (an independent
// zstd frame, or the bytes as they are) so a reader can decode any range
// without the rest, each checked against checksums of its stored and decoded bytes.
#pragma once

#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gmat {

// How one chunk is stored; recorded per chunk in the index.
enum class ChunkCoding : uint32_t {
    stored = 0,            // the logical bytes as they are (compression did not help)
    planes_zstd = 1,       // zstd frame of the byte planes
    delta_planes_zstd = 2, // zstd frame of the byte planes of (bytes XOR base bytes)
};

struct ChunkIndexEntry {
    uint64_t offset = 0;       // from the start of the stored payload
    uint32_t stored_bytes = 0;
    ChunkCoding coding = ChunkCoding::stored;
    // XXH3-64 of the stored bytes: any flipped byte is caught before decoding,
    // even one zstd would decode to the same output.
    uint64_t stored_checksum = 0;
    uint64_t checksum = 0;     // XXH3-64 of the chunk's logical (decoded) bytes
};

inline constexpr uint64_t kChunkIndexEntryBytes = 32;
// 1 MiB: large enough that zstd's per-frame cost and the 32-byte index entry
// vanish (< 0.01 %), small enough that a random read decodes little and
// per-thread buffers stay small. A multiple of every element size.
inline constexpr uint32_t kDefaultChunkBytes = 1u << 20;
inline constexpr uint32_t kMaxChunkBytes = 64u << 20; // bounds what a reader allocates
// Level 1: within about 1 % of level 3's ratio on byte-planed weights at
// about twice the speed (bench/store), and import speed matters more.
inline constexpr int kDefaultZstdLevel = 1;

std::vector<uint8_t> encode_chunk_index(const std::vector<ChunkIndexEntry> &index);
// Parses n entries; does not check them against each other (the reader does).
std::vector<ChunkIndexEntry> decode_chunk_index(const uint8_t *data, uint64_t n_entries);

// Compresses chunks for one writer (not thread-safe; one per writer).
class ChunkEncoder {
public:
    ChunkEncoder(size_t element_bytes, int level);
    ChunkEncoder(const ChunkEncoder &) = delete;
    ChunkEncoder &operator=(const ChunkEncoder &) = delete;
    ~ChunkEncoder();
    // Stores the smallest of: planes compressed, (with a base) planes of the
    // XOR with base compressed, the bytes as they are. `out` receives the
    // stored bytes; the coding used is returned.
    ChunkCoding encode(const uint8_t *chunk, size_t n_bytes, const uint8_t *base, std::vector<uint8_t> &out);

private:
    void compress_planes(const uint8_t *bytes, size_t n_bytes, std::vector<uint8_t> &out);

    size_t element_bytes_;
    int level_;
    ZSTD_CCtx *cctx_;
    std::vector<uint8_t> planes_, xored_, candidate_;
};

// Decodes one stored chunk into dst (exactly n_bytes). base holds the base's
// logical bytes of the same range (delta chunks only). Returns an empty
// string on success, else what went wrong; the caller checks the checksum.
std::string decode_chunk(ChunkCoding coding, const uint8_t *stored, size_t stored_bytes, size_t element_bytes,
                         const uint8_t *base, uint8_t *dst, size_t n_bytes);

} // namespace gmat
