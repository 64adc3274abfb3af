// Would exporting STORE with PROFILE write the bytes of an existing GGUF?
// Decided without writing or quantizing anything: the export is planned, and
// its header (every key/value in order, the split keys, every tensor's name,
// type, shape and file) and each file's size are compared with the file's.
// The tensor data is not re-quantized: export is deterministic in its inputs,
// which the header already pins down (gmat.provenance.*: the store's content
// id over every payload checksum, the profile and its hash, the imatrix hash,
// the plugins and their versions, gmat.version).
#pragma once

#include "gguf/gguf_inspection.hpp"
#include "pipeline/export_plan.hpp"

#include <string>
#include <vector>

namespace gmat {

struct ReexportCheck {
    std::vector<std::string> differences; // empty: the same bytes
    bool same() const { return differences.empty(); }
};

ReexportCheck check_reexport(const InspectedGguf &file, const ExportPlan &plan);

} // namespace gmat
