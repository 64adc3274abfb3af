#include "repository/delta_base.hpp"

#include "common/error.hpp"

namespace fs = std::filesystem;

namespace gmat {

DeltaBase::DeltaBase(const fs::path &base_store, const fs::path &new_store, const fs::path &blobs_dir)
    : store_(Store::open(base_store)), into_repository_(!blobs_dir.empty()) {
    const fs::path base_abs = fs::canonical(base_store);
    const fs::path new_abs = fs::weakly_canonical(new_store);
    if (base_abs == new_abs)
        throw GmatError(base_store.string() + ": --base names the store being written; give the base model's store");
    if (!blobs_dir.empty()) {
        const bool same_repository =
            store_.in_repository() && fs::canonical(store_.blobs_dir()) == fs::canonical(blobs_dir);
        if (!same_repository)
            throw GmatError(base_store.string() + ": --base with --into must name a model of the same repository (" +
                            (blobs_dir.parent_path() / "models" / "<name>" / "model.gmat").string() + ")");
    }
    relative_path_ = fs::relative(base_abs, new_abs).string();
}

const StoredTensor *DeltaBase::match(const StoredTensor &t) const {
    const StoredTensor *b = store_.find_name(t.name);
    return b && b->dtype == t.dtype && b->shape == t.shape && b->bytes == t.bytes ? b : nullptr;
}

std::string DeltaBase::reference(const StoredTensor &base) const {
    return into_repository_ ? base.blob : base.uuid;
}

} // namespace gmat
