// Part files: what one machine of an export split across machines leaves for
// the final `gmat export --assemble` step (`<output>.part-0000I-of-0000N.gmatpart`).
//
//   bytes 0-7   "GMATPART"
//   bytes 8-11  format version (u32, little-endian; 1)
//   bytes 12-15 header length H (u32, little-endian; at most 1 MiB)
//   H bytes     JSON header (below)
//   payload     a single-file export's quantized tensor data of tensors
//               [first, end) in plan order, without alignment padding
//               (the writer pads when assembling); empty for a sharded export,
//               whose part writes its GGUF split files directly
//
// The header records the plan the part belongs to (plan, store and profile
// ids), which part of how many it is, and either the payload's size and
// XXH3-64 or the split files it wrote with their sizes and XXH3-64.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace gmat {

inline constexpr uint32_t kPartFormatVersion = 1;
inline constexpr uint32_t kMaxPartHeaderBytes = 1u << 20;
inline constexpr uint32_t kMaxParts = 65535;
inline constexpr size_t kPartPreambleBytes = 16;

struct PartFileRecord {
    std::string name; // file name, relative to the part file's folder
    uint64_t bytes = 0;
    uint64_t xxh3 = 0;
};

struct PartHeader {
    std::string plan_id, store_id, profile_id; // 32 lower-case hex digits each
    uint32_t part = 0, parts = 1;              // 0-based index, count
    uint64_t first_tensor = 0, end_tensor = 0; // plan tensors [first, end) this part covers
    uint64_t payload_bytes = 0;
    uint64_t payload_xxh3 = 0;
    std::vector<PartFileRecord> files; // a sharded export's split files
};

// The part file's name for an output: "<output>.part-00002-of-00004.gmatpart".
std::filesystem::path part_file_path(const std::filesystem::path &output, uint32_t part, uint32_t parts);

// Serializes the preamble and JSON header (the payload follows).
std::string encode_part_header(const PartHeader &header);
// Parses preamble + header from the first bytes of a part file; sets
// *header_end to the payload's offset. Throws GmatError naming context and
// the field on any problem (the whole file need not be given).
PartHeader parse_part_header(std::string_view bytes, const std::string &context, size_t *header_end);
// Reads a part file's header; errors name the file.
PartHeader read_part_header(const std::filesystem::path &file, size_t *header_end);

std::string hex64(uint64_t value);

} // namespace gmat
