// One tensor of a GMAT store: tensors/<uuid>.gmat.
//
// Layout (little-endian), version 1:
//   0  char[8]  magic "GMATTENS"
//   8  u32      format version (1)
//  12  u32      header bytes (payload offset; a multiple of 64)
//  16  u32      dtype (gmat_dtype)
//  20  u32      encoding (0 = raw: exactly the source bytes)
//  24  u32      n_dims
//  28  u32      name bytes
//  32  u64      payload bytes
//  40  u64      payload checksum (XXH3-64)
//  48  u64      header checksum (XXH3-64 of the header with this field zeroed)
//  56  u64[n]   shape, outermost first
//      char[]   source tensor name (UTF-8), then zero padding to header bytes
//      then the payload: exactly payload-bytes source bytes.
// Raw tensors are still written as version 1.
//
// Version 2 (encoded payloads: encoding 1 = zstd_planes, 2 = zstd_planes_delta)
// shares bytes 0-55, then:
//  56  u64      stored bytes (everything after the header: chunks, then index)
//  64  u32      chunk bytes (logical bytes per chunk; the last may be shorter)
//  68  u32      base_ref bytes
//  72  u64      index checksum (XXH3-64 of the index)
//  80  u64      base checksum (delta: XXH3-64 of the base's logical payload)
//  88  u64[n]   shape, then the name, then base_ref (UTF-8), zero padding
//      then the chunks back to back, then the index: one 32-byte entry per
//      chunk (u64 offset, u32 stored bytes, u32 coding, u64 checksum of the
//      stored bytes, u64 checksum of the logical bytes; see codec_chunk.hpp).
// Version 3 (a source encoding, see source_encoding.hpp; any encoding 0-2)
// shares bytes 0-87 with version 2 (a raw file has stored bytes = payload
// bytes and chunk bytes 0), then:
//  88  u32      source encoding bytes (S)
//  92  u32      zero
//  96  u64[n]   shape (logical), then the name, then base_ref, then S bytes of
//      source encoding (scheme, block, companion dtypes and shapes), zero padding.
//      The payload is the data bytes followed by each companion's bytes.
// payload bytes and payload checksum always describe the logical (decoded)
// payload, so checksums, UUIDs and exports do not depend on the encoding.
// Every byte of a file is covered: header checksum, index checksum, chunk
// checksums. The file is self-describing: a store can be rebuilt from its
// tensor files.
#pragma once

#include "store/source_encoding.hpp"

#include <gmat/abi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat {

enum class TensorEncoding : uint32_t { raw = 0, zstd_planes = 1, zstd_planes_delta = 2 };
const char *tensor_encoding_name(TensorEncoding encoding); // "raw", "zstd", "zstd-delta"

struct TensorFileHeader {
    gmat_dtype dtype = GMAT_DTYPE_F32;
    TensorEncoding encoding = TensorEncoding::raw;
    std::vector<uint64_t> shape;
    std::string name;
    uint64_t payload_bytes = 0;    // logical
    uint64_t payload_checksum = 0; // of the logical bytes
    // Encoded files only (version 2); a raw file has stored_bytes == payload_bytes.
    uint64_t stored_bytes = 0;
    uint32_t chunk_bytes = 0;
    uint64_t index_checksum = 0;
    uint64_t base_checksum = 0; // delta only
    std::string base_ref;       // delta only: where the repository finds the base
    SourceLayout source;        // version 3: data + scale companions kept as the checkpoint ships them
};

inline constexpr uint32_t kTensorFileVersion = 3; // the newest this gmat reads
inline constexpr uint32_t kMaxBaseRefBytes = 4096;
inline constexpr uint64_t kTensorFileAlignment = 64;
inline constexpr uint32_t kMaxTensorNameBytes = 4096;

// Serialises a header (checksums included) to exactly payload-offset bytes:
// the smallest multiple of 64 that holds it, or min_bytes if larger.
std::vector<uint8_t> encode_tensor_header(const TensorFileHeader &header, uint64_t min_bytes = 0);
// Parses and checks a header; errors name `file`. Returns the payload offset.
uint64_t decode_tensor_header(const uint8_t *data, uint64_t size, const std::string &file, TensorFileHeader &out);

std::string checksum_string(uint64_t checksum); // "xxh3:0123456789abcdef"

} // namespace gmat
