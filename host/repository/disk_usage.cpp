#include "repository/disk_usage.hpp"

#include "common/error.hpp"
#include "repository/blob_references.hpp"
#include "repository/repository_layout.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <map>
#include <set>

namespace fs = std::filesystem;

namespace gmat {

namespace {
struct FileFacts {
    uint64_t bytes = 0;
    bool delta = false;
};

FileFacts file_facts(const fs::path &file, const StoredTensor &t) {
    std::error_code ec;
    FileFacts facts;
    facts.bytes = fs::file_size(file, ec);
    if (ec) return {}; // missing: stores nothing; `gmat inspect --verify` reports it
    facts.delta = TensorFileReader(file, t.uuid, t.name).header().encoding == TensorEncoding::zstd_planes_delta;
    return facts;
}

// models_of_blob: who else names each blob (null for a standalone store).
ModelUsage measure_model(const std::string &name, const fs::path &store_dir,
                         const std::map<std::string, std::set<std::string>> *models_of_blob) {
    const Store store = Store::open(store_dir);
    ModelUsage usage{name, store_dir, store.tensors().size()};
    std::set<fs::path> counted;
    for (const auto &t : store.tensors()) {
        usage.logical += t.bytes;
        const fs::path file = store.tensor_path(t);
        if (!counted.insert(file).second) continue;
        const FileFacts facts = file_facts(file, t);
        usage.stored += facts.bytes;
        if (facts.delta) usage.delta += facts.bytes;
        if (models_of_blob && !t.blob.empty()) {
            auto it = models_of_blob->find(t.blob);
            if (it != models_of_blob->end() && it->second.size() > 1) usage.shared += facts.bytes;
        }
    }
    return usage;
}

DiskUsage measure_repository(const RepositoryLayout &repo, const std::string &only_model) {
    DiskUsage du;
    du.repository = only_model.empty();
    const BlobReferences refs = collect_blob_references(repo);
    for (const auto &model : repository_models(repo)) {
        if (!only_model.empty() && model.name != only_model) continue;
        du.models.push_back(measure_model(model.name, model.store, &refs.models_of_blob));
        du.logical += du.models.back().logical;
    }
    for (const auto &blob : blobs_on_disk(repo)) {
        ++du.blobs;
        du.stored += blob.bytes;
        if (!refs.live.count(blob.name)) du.unreferenced += blob.bytes;
    }
    if (!only_model.empty()) du.stored = du.models.empty() ? 0 : du.models.front().stored;
    return du;
}
} // namespace

DiskUsage measure_disk_usage(const fs::path &path) {
    if (is_repository(path)) return measure_repository(open_repository(path), "");
    const Store store = Store::open(path);
    if (store.in_repository()) {
        const fs::path root = store.blobs_dir().parent_path();
        const fs::path model_dir = fs::canonical(path).parent_path();
        if (is_repository(root) && fs::equivalent(model_dir.parent_path(), RepositoryLayout(root).models_dir()))
            return measure_repository(open_repository(root), model_dir.filename().string());
    }
    DiskUsage du;
    du.models.push_back(measure_model(path.string(), path, nullptr));
    du.logical = du.models.front().logical;
    du.stored = du.models.front().stored;
    return du;
}

} // namespace gmat
