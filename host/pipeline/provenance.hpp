// Where a GGUF file came from, recorded in `gmat.provenance.*` keys (llama.cpp
// ignores keys outside its own namespaces): the store's content id, the
// resolved profile and its hash, the hash of the source checkpoint's
// config.json, the imatrix's hash and the plugins that made the bytes.
// Export is deterministic in exactly these inputs (and gmat.version), so
// `gmat inspect FILE --against STORE --config PROFILE` can tell whether a
// re-export would write the same bytes without writing them.
#pragma once

#include "pipeline/export_plan.hpp"

#include <string>

namespace gmat {

inline constexpr const char *kProvenanceStoreId = "gmat.provenance.store_id";
inline constexpr const char *kProvenanceProfileHash = "gmat.provenance.profile_hash";
inline constexpr const char *kProvenanceProfile = "gmat.provenance.profile";
inline constexpr const char *kProvenanceSourceConfigHash = "gmat.provenance.source_config_hash";
inline constexpr const char *kProvenanceImatrixHash = "gmat.provenance.imatrix_hash";
inline constexpr const char *kProvenancePlugins = "gmat.provenance.plugins";

// XXH3-128 (32 hex digits) over every store tensor's uuid (lower case),
// source name, dtype, shape and payload checksum, in store order: what an
// export reads (metadata.json's redundant byte counts are left out).
std::string store_content_id(const Store &store);

// XXH3-64 (16 hex digits) of a file's bytes; "" when it does not exist.
std::string file_hash(const std::filesystem::path &file);

// Adds the gmat.provenance.* keys for the plan's profile (the resolved one).
void add_provenance(ExportPlan &plan, const Store &store, const ExportConfig &config, const PluginRegistry &registry);

} // namespace gmat
