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
// The file is self-describing: a store can be rebuilt from its tensor files.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat {

enum class TensorEncoding : uint32_t { raw = 0 };

struct TensorFileHeader {
    gmat_dtype dtype = GMAT_DTYPE_F32;
    TensorEncoding encoding = TensorEncoding::raw;
    std::vector<uint64_t> shape;
    std::string name;
    uint64_t payload_bytes = 0;
    uint64_t payload_checksum = 0;
};

inline constexpr uint32_t kTensorFileVersion = 1;
inline constexpr uint64_t kTensorFileAlignment = 64;
inline constexpr uint32_t kMaxTensorNameBytes = 4096;

// Serialises a header (checksums included) to exactly payload-offset bytes.
std::vector<uint8_t> encode_tensor_header(const TensorFileHeader &header);
// Parses and checks a header; errors name `file`. Returns the payload offset.
uint64_t decode_tensor_header(const uint8_t *data, uint64_t size, const std::string &file, TensorFileHeader &out);

std::string checksum_string(uint64_t checksum); // "xxh3:0123456789abcdef"

} // namespace gmat
