// A file written under a hidden temporary name in its final folder and moved
// to its final name only at commit, so a reader never sees half a file and a
// failed run leaves nothing behind. Writes go through a small buffer; the
// file's contents are never held in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gmat::gguf {

class StagedFile {
public:
    // Creates the temporary file next to final_path. Throws sdk::Error naming
    // final_path when its folder does not exist or the file cannot be created.
    explicit StagedFile(std::filesystem::path final_path);
    StagedFile(const StagedFile &) = delete;
    StagedFile &operator=(const StagedFile &) = delete;
    // Removes the temporary file unless it was published.
    ~StagedFile();

    const std::filesystem::path &final_path() const { return final_path_; }
    const std::filesystem::path &temporary_path() const { return temporary_path_; }

    void write(const void *data, uint64_t n_bytes);
    void write_zeros(uint64_t n_bytes);
    // Flushes the buffer, fsyncs and closes; the file is then ready to publish.
    void finish();
    // Renames the finished temporary file to its final name.
    void publish();
    // Removes the published file again (a sibling shard failed to publish).
    void unpublish() noexcept;
    // Closes and removes the temporary file. Safe to call more than once.
    void remove() noexcept;

private:
    void flush();
    void write_direct(const void *data, uint64_t n_bytes);
    void start_writeback(); // hands what was written since the last call to the kernel's writeback
    [[noreturn]] void fail(const char *operation, int error) const;

    std::filesystem::path final_path_, temporary_path_;
    int fd_ = -1;
    bool published_ = false;
    uint64_t written_ = 0, writeback_from_ = 0;
    std::vector<uint8_t> buffer_;
};

// Publishes every file or none: when one rename fails, the files already
// published are removed again, and the error is rethrown. Then syncs the
// folders so the renames survive a crash.
void publish_all(const std::vector<StagedFile *> &files);

} // namespace gmat::gguf
