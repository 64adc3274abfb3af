// A store opened for reading (export, inspect) while its repository's lock is
// held shared: gc, which takes the lock exclusively, cannot delete a blob that
// the reader still needs, even if the model is removed or replaced meanwhile.
// A standalone store needs no lock.
#pragma once

#include "repository/repository_lock.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <iosfwd>
#include <memory>

namespace gmat {

struct LockedStore {
    std::unique_ptr<RepositoryLock> lock; // null for a standalone store
    Store store;
};

// `waiting` receives one line when gc holds the lock and the call waits for it.
LockedStore open_store_for_reading(const std::filesystem::path &dir, std::ostream *waiting = nullptr);

} // namespace gmat
