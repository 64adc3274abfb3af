// The size of each GGUF file an export plan writes, computed from the GGUF
// layout (header, key/values, tensor infos, each tensor's data padded to the
// alignment) without writing anything; `auto` uses it to meet target_size.
#pragma once

#include "pipeline/export_plan.hpp"

#include <cstdint>
#include <vector>

namespace gmat {

// general.alignment when the metadata sets it, else GGUF's 32.
uint64_t gguf_alignment(const Metadata &metadata);

// Bytes of each output file (shard order).
std::vector<uint64_t> predicted_file_sizes(const ExportPlan &plan);
uint64_t predicted_output_bytes(const ExportPlan &plan);

} // namespace gmat
