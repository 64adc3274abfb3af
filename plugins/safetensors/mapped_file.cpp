#include "mapped_file.hpp"

#include "errors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gmat::safetensors {

namespace {

[[noreturn]] void io_error(const std::string &path, const std::string &what, int err) {
    fail(GMAT_ERROR_IO, path, what + ": " + std::strerror(err));
}

uint64_t page_size() {
    static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    return size;
}

} // namespace

MappedFile::MappedFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) io_error(path_, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int err = errno;
        ::close(fd_);
        io_error(path_, "cannot stat", err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        fail(GMAT_ERROR_IO, path_, "not a regular file");
    }
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ == 0) return; // mmap refuses zero bytes; the header check reports the empty file
    void *addr = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (addr == MAP_FAILED) {
        const int err = errno;
        ::close(fd_);
        io_error(path_, "cannot map " + std::to_string(size_) + " bytes", err);
    }
    data_ = static_cast<uint8_t *>(addr);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
}

void MappedFile::require_still_covers(uint64_t end) const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) io_error(path_, "cannot stat", errno);
    const uint64_t now = static_cast<uint64_t>(st.st_size);
    if (now < end)
        fail(GMAT_ERROR_IO, path_,
             "the file shrank from " + std::to_string(size_) + " to " + std::to_string(now) +
                 " bytes after it was opened; reading up to byte " + std::to_string(end) + " is impossible");
}

void MappedFile::drop_pages(uint64_t begin, uint64_t end) const noexcept {
    if (data_ == nullptr) return;
    const uint64_t page = page_size();
    const uint64_t first = (begin + page - 1) / page * page;
    const uint64_t last = (end < size_ ? end : size_) / page * page;
    if (first >= last) return;
    // Advice only: a failure leaves the pages resident, which is harmless.
    (void)::madvise(data_ + first, last - first, MADV_DONTNEED);
}

} // namespace gmat::safetensors
