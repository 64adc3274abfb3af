#include "staged_file.hpp"

#include "shard_naming.hpp"

#include <gmat/sdk.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>

namespace gmat::gguf {

namespace fs = std::filesystem;

namespace {

// Small enough for many shards open at once, large enough to batch the
// header and the padding between tensors into few system calls.
constexpr size_t kBufferBytes = 256 * 1024;
constexpr int kCreateAttempts = 16;
// Written bytes handed to the kernel's writeback at a time, so the disk
// writes while the export computes and finish()'s fsync waits only for the
// last of them (a 42 MB file's fsync went from 20-80 ms to a few).
constexpr uint64_t kWritebackBytes = 8ull << 20;

fs::path folder_of(const fs::path &file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

void require_writable_target(const fs::path &final_path) {
    const fs::path folder = folder_of(final_path);
    std::error_code ec;
    if (!fs::exists(folder, ec))
        throw sdk::Error(GMAT_ERROR_IO, "cannot write '" + final_path.string() + "': folder '" + folder.string() +
                                            "' does not exist");
    if (!fs::is_directory(folder, ec))
        throw sdk::Error(GMAT_ERROR_IO, "cannot write '" + final_path.string() + "': '" + folder.string() +
                                            "' is not a folder");
    if (fs::is_directory(final_path, ec))
        throw sdk::Error(GMAT_ERROR_IO, "cannot write '" + final_path.string() + "': a folder has that name");
}

} // namespace

StagedFile::StagedFile(fs::path final_path) : final_path_(std::move(final_path)) {
    require_writable_target(final_path_);
    for (int attempt = 0; attempt < kCreateAttempts && fd_ < 0; ++attempt) {
        temporary_path_ = temporary_path_for(final_path_);
        fd_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ < 0 && errno != EEXIST) fail("creating", errno);
    }
    if (fd_ < 0) fail("creating", EEXIST);
}

StagedFile::~StagedFile() { remove(); }

void StagedFile::fail(const char *operation, int error) const {
    throw sdk::Error(GMAT_ERROR_IO, final_path_.string() + ": " + operation + " temporary file '" +
                                        temporary_path_.filename().string() + "' failed: " + std::strerror(error));
}

void StagedFile::write(const void *data, uint64_t n_bytes) {
    if (buffer_.size() + n_bytes > kBufferBytes) flush();
    if (n_bytes >= kBufferBytes) return write_direct(data, n_bytes);
    if (buffer_.capacity() < kBufferBytes) buffer_.reserve(kBufferBytes);
    const auto *p = static_cast<const uint8_t *>(data);
    buffer_.insert(buffer_.end(), p, p + n_bytes);
}

void StagedFile::write_zeros(uint64_t n_bytes) {
    static const uint8_t zeros[4096] = {};
    while (n_bytes > 0) {
        const uint64_t chunk = std::min<uint64_t>(n_bytes, sizeof zeros);
        write(zeros, chunk);
        n_bytes -= chunk;
    }
}

void StagedFile::flush() {
    write_direct(buffer_.data(), buffer_.size());
    buffer_.clear();
}

void StagedFile::write_direct(const void *data, uint64_t n_bytes) {
    if (fd_ < 0) throw sdk::Error(GMAT_ERROR_INTERNAL, final_path_.string() + ": write after the file was closed");
    const auto *p = static_cast<const uint8_t *>(data);
    while (n_bytes > 0) {
        const ssize_t written = ::write(fd_, p, std::min<uint64_t>(n_bytes, 1u << 30));
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) fail("writing", errno);
        p += written;
        n_bytes -= static_cast<uint64_t>(written);
        written_ += static_cast<uint64_t>(written);
    }
    start_writeback();
}

void StagedFile::start_writeback() {
#if defined(__linux__)
    if (written_ - writeback_from_ < kWritebackBytes) return;
    // Only starts the writes (no wait, no guarantee): finish()'s fsync is what
    // makes the file durable, and reports any error.
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_), static_cast<off_t>(written_ - writeback_from_),
                      SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
#endif
}

void StagedFile::finish() {
    flush();
    if (::fsync(fd_) != 0) fail("syncing", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("closing", errno);
}

void StagedFile::publish() {
    if (fd_ >= 0) throw sdk::Error(GMAT_ERROR_INTERNAL, final_path_.string() + ": published before finish()");
    if (::rename(temporary_path_.c_str(), final_path_.c_str()) != 0) fail("renaming", errno);
    published_ = true;
}

void StagedFile::unpublish() noexcept {
    if (!published_) return;
    ::unlink(final_path_.c_str());
    published_ = false;
    temporary_path_.clear(); // the temporary name is gone with the rename
}

void StagedFile::remove() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!published_ && !temporary_path_.empty()) ::unlink(temporary_path_.c_str());
    temporary_path_.clear();
}

void publish_all(const std::vector<StagedFile *> &files) {
    // Loaders open the first shard and follow its split count, so the first
    // shard is published last and an older first shard is removed before any
    // rename: a run killed between renames leaves a set without its first
    // file (absent), never old and new shards that load as one model.
    std::vector<StagedFile *> order(files.begin(), files.end());
    if (order.size() > 1) {
        std::rotate(order.begin(), order.begin() + 1, order.end());
        if (::unlink(order.back()->final_path().c_str()) != 0 && errno != ENOENT)
            throw sdk::Error(GMAT_ERROR_IO, order.back()->final_path().string() + ": removing the previous first shard failed: " +
                                                std::strerror(errno));
    }
    size_t published = 0;
    try {
        for (; published < order.size(); ++published) order[published]->publish();
    } catch (...) {
        for (size_t i = 0; i < published; ++i) order[i]->unpublish();
        throw;
    }
    // Best effort: the renames are done and cannot be undone safely, so a
    // folder that refuses fsync (some file systems do) is not an error.
    std::set<fs::path> folders;
    for (const StagedFile *file : files) folders.insert(folder_of(file->final_path()));
    for (const fs::path &folder : folders) {
        const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) continue;
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace gmat::gguf
