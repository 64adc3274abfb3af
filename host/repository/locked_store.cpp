#include "repository/locked_store.hpp"

#include "repository/repository_layout.hpp"

namespace gmat {

LockedStore open_store_for_reading(const std::filesystem::path &dir, std::ostream *waiting) {
    Store unlocked = Store::open(dir);
    if (!unlocked.in_repository()) return {nullptr, std::move(unlocked)};
    const RepositoryLayout repo(unlocked.blobs_dir().parent_path());
    auto lock = std::make_unique<RepositoryLock>(repo.lock_file(), LockMode::shared, waiting);
    // Read the metadata again under the lock: a gc that ran before it was
    // granted may have followed a removal of this model.
    return {std::move(lock), Store::open(dir)};
}

} // namespace gmat
