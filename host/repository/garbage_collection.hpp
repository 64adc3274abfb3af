// `gmat gc REPO`: deletes the blobs no model references (directly or as the
// base of a delta in use) and the temporaries of dead imports. The caller
// holds the repository lock exclusively, so no import is running: every
// temporary is stale and every blob an import wrote is already referenced.
#pragma once

#include "repository/repository_layout.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gmat {

struct GarbagePlan {
    std::vector<std::filesystem::path> blobs;       // unreferenced blob files
    std::vector<std::filesystem::path> temporaries; // blob temporaries and staged stores
    uint64_t blob_bytes = 0;
    size_t live_blobs = 0;
};

GarbagePlan plan_garbage_collection(const RepositoryLayout &repo);
// Removes what the plan lists, then syncs the folders it changed.
void collect_garbage(const RepositoryLayout &repo, const GarbagePlan &plan);

} // namespace gmat
