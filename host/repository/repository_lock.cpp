#include "repository/repository_lock.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <sys/file.h>
#include <unistd.h>

namespace gmat {

RepositoryLock::RepositoryLock(const std::filesystem::path &lock_file, LockMode mode, std::ostream *waiting) {
    fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw GmatError(lock_file.string() + ": cannot open the repository lock: " + std::strerror(errno));
    const int op = mode == LockMode::shared ? LOCK_SH : LOCK_EX;
    if (::flock(fd_, op | LOCK_NB) == 0) return;
    if (errno == EWOULDBLOCK && waiting) {
        *waiting << (mode == LockMode::exclusive ? "Waiting for running imports and exports of " : "Waiting for gc of ")
                 << lock_file.parent_path().string() << " to finish...\n";
        waiting->flush();
    }
    int rc;
    do {
        rc = ::flock(fd_, op);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        ::close(fd_);
        throw GmatError(lock_file.string() + ": cannot lock the repository: " + std::strerror(err));
    }
}

RepositoryLock::~RepositoryLock() { ::close(fd_); }

} // namespace gmat
