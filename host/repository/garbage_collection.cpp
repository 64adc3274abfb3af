#include "repository/garbage_collection.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "repository/blob_references.hpp"

#include <set>

namespace fs = std::filesystem;

namespace gmat {

GarbagePlan plan_garbage_collection(const RepositoryLayout &repo) {
    const BlobReferences refs = collect_blob_references(repo);
    GarbagePlan plan;
    for (const auto &blob : blobs_on_disk(repo)) {
        if (refs.live.count(blob.name)) {
            ++plan.live_blobs;
            continue;
        }
        plan.blobs.push_back(blob.path);
        plan.blob_bytes += blob.bytes;
    }
    plan.temporaries = temporaries_on_disk(repo);
    return plan;
}

void collect_garbage(const RepositoryLayout &repo, const GarbagePlan &plan) {
    std::set<fs::path> changed_dirs{repo.blobs_dir()};
    for (const auto &blob : plan.blobs) {
        std::error_code ec;
        fs::remove(blob, ec);
        if (ec) throw GmatError(blob.string() + ": cannot remove unreferenced blob: " + ec.message());
        changed_dirs.insert(blob.parent_path());
    }
    for (const auto &temporary : plan.temporaries) {
        std::error_code ec;
        fs::remove_all(temporary, ec);
        if (ec) throw GmatError(temporary.string() + ": cannot remove stale temporary: " + ec.message());
        changed_dirs.insert(temporary.parent_path());
    }
    for (const auto &dir : changed_dirs) sync_path(dir);
}

} // namespace gmat
