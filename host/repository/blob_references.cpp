#include "repository/blob_references.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "repository/blob_store.hpp"
#include "repository/content_id.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <algorithm>

namespace fs = std::filesystem;

namespace gmat {

namespace {
void add_bases(const RepositoryLayout &repo, BlobReferences &refs) {
    std::vector<std::string> pending(refs.live.begin(), refs.live.end());
    while (!pending.empty()) {
        const std::string blob = pending.back();
        pending.pop_back();
        const fs::path file = repo.blob_path(blob);
        if (!fs::exists(file)) continue; // nothing to keep; verify reports the missing blob
        std::string base;
        try {
            base = blob_base_ref(TensorFileReader(file, "", "blob " + blob));
        } catch (const GmatError &e) {
            throw GmatError(std::string(e.what()) + "; gc deletes nothing while a blob in use cannot be read, since "
                                                    "its delta base is then unknown");
        }
        if (!base.empty() && refs.live.insert(base).second) pending.push_back(base);
    }
}
} // namespace

BlobReferences collect_blob_references(const RepositoryLayout &repo) {
    BlobReferences refs;
    for (const auto &model : repository_models(repo)) {
        std::optional<Store> store;
        try {
            store.emplace(Store::open(model.store));
        } catch (const GmatError &e) {
            throw GmatError(std::string(e.what()) + "; gc deletes nothing while a model cannot be read (repair it, or "
                                                    "remove " + (repo.models_dir() / model.name).string() + ")");
        }
        for (const auto &t : store->tensors()) {
            if (t.blob.empty()) continue;
            refs.models_of_blob[t.blob].insert(model.name);
            refs.live.insert(t.blob);
        }
    }
    add_bases(repo, refs);
    return refs;
}

std::vector<BlobFile> blobs_on_disk(const RepositoryLayout &repo) {
    std::vector<BlobFile> blobs;
    std::error_code ec;
    for (fs::directory_iterator shard(repo.blobs_dir(), ec), end; !ec && shard != end; shard.increment(ec)) {
        if (!shard->is_directory()) continue;
        for (const auto &entry : fs::directory_iterator(shard->path())) {
            const std::string name = entry.path().stem().string();
            if (entry.path().extension() != ".gmat" || !is_blob_name(name) || !entry.is_regular_file()) continue;
            blobs.push_back({name, entry.path(), entry.file_size()});
        }
    }
    if (ec) throw GmatError(repo.blobs_dir().string() + ": cannot list blobs: " + ec.message());
    std::sort(blobs.begin(), blobs.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return blobs;
}

std::vector<fs::path> temporaries_on_disk(const RepositoryLayout &repo) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(repo.blobs_dir(), ec), end; !ec && it != end; it.increment(ec))
        if (is_temporary_name(it->path())) found.push_back(it->path());
    for (fs::directory_iterator model(repo.models_dir(), ec), end; !ec && model != end; model.increment(ec)) {
        if (!model->is_directory()) continue;
        for (const auto &entry : fs::directory_iterator(model->path()))
            if (is_temporary_name(entry.path())) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace gmat
