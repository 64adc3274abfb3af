// The header of one .safetensors file, parsed and validated as strictly as
// the format demands:
//
//     [8 bytes: header length N, little-endian u64]
//     [N bytes: UTF-8 JSON object {"name": {"dtype", "shape", "data_offsets"}, ...,
//                                  optional "__metadata__": {string: string}}]
//     [data section: every tensor's bytes, tightly packed, nothing else]
#pragma once

#include "dtype.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::safetensors {

// The largest header accepted, as in the reference implementation.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct TensorEntry {
    std::string name;
    const Dtype *dtype;
    std::vector<uint64_t> shape; // outermost first
    uint64_t begin, end;         // byte range inside the data section
    uint64_t n_bytes() const { return end - begin; }
};

struct SafetensorsHeader {
    uint64_t data_start; // file offset of the data section: 8 + N
    uint64_t data_size;
    // Sorted by data offset, i.e. in file order (ties keep the header's
    // order): reading tensors as listed walks each file front to back.
    std::vector<TensorEntry> tensors;
};

// Parses the header of `file`, whose file_size bytes start at bytes (which
// may be nullptr when file_size is 0). Throws a FORMAT error naming the file,
// the tensor when there is one, and the broken rule.
SafetensorsHeader parse_header(const std::string &file, const uint8_t *bytes, uint64_t file_size);

} // namespace gmat::safetensors
