// The repository's flock (REPO/.lock). Imports and exports hold it shared for their whole
// run, so any number run at once; gc holds it exclusive, so it never sees a
// blob that an import has written but not yet referenced from a metadata.json.
// The kernel drops the lock when a process dies, even by SIGKILL.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace gmat {

enum class LockMode { shared, exclusive };

class RepositoryLock {
public:
    // Blocks until granted; when the lock is busy, first prints one line to
    // `waiting` (when given) saying what it waits for.
    RepositoryLock(const std::filesystem::path &lock_file, LockMode mode, std::ostream *waiting = nullptr);
    RepositoryLock(const RepositoryLock &) = delete;
    RepositoryLock &operator=(const RepositoryLock &) = delete;
    ~RepositoryLock();

private:
    int fd_ = -1;
};

} // namespace gmat
