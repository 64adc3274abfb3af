// Encodes the part of a GGUF file before the tensor data: magic, version,
// counts, key/value pairs, tensor infos and the padding up to the data
// section.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::gguf {

struct TensorInfo {
    std::string name;
    uint32_t gguf_type;
    std::vector<uint64_t> ne; // ggml order, fastest varying first, as the host gave it
    uint64_t n_bytes;
    uint64_t offset; // from the start of the data section, a multiple of the alignment
};

// kvs are already encoded pairs (see kv_encoding.hpp), in file order.
std::vector<uint8_t> encode_header(const std::vector<const std::vector<uint8_t> *> &kvs,
                                   const std::vector<const TensorInfo *> &tensors, uint64_t alignment);

} // namespace gmat::gguf
