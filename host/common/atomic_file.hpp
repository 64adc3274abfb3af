// Output that never appears half-written under its final name: write to a
// hidden temporary sibling, then rename over the final name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace gmat {

// A unique hidden sibling of target: ".<name>.gmat-tmp-<pid>@<host>-<counter>".
// The host name (this_host()) tells a cleanup on a shared file system which
// temporaries it can judge: a pid means something only on its own machine.
std::filesystem::path temporary_sibling(const std::filesystem::path &target);
// This machine's name as temporaries carry it (gethostname, characters other
// than letters, digits, '.' and '_' replaced by '_'; "unknown" if unset).
const std::string &this_host();
// The pid and host a temporary's name records after `prefix`; host is empty
// for names of gmat versions that did not record it. False when the name
// does not start with prefix followed by a pid.
bool temporary_owner(const std::string &name, const std::string &prefix, long &pid, std::string &host);
// True for names made by temporary_sibling (used to clean up after a crash).
bool is_temporary_name(const std::filesystem::path &path);
void write_file_atomically(const std::filesystem::path &file, std::string_view contents);
// Flushes a file or folder to disk (fsync); errors name the path.
void sync_path(const std::filesystem::path &path);

// Removes a temporary folder unless released; for whole-store writes.
class TemporaryDirectory {
public:
    explicit TemporaryDirectory(std::filesystem::path path) : path_(std::move(path)) {}
    TemporaryDirectory(const TemporaryDirectory &) = delete;
    TemporaryDirectory &operator=(const TemporaryDirectory &) = delete;
    ~TemporaryDirectory();
    const std::filesystem::path &path() const { return path_; }
    // Renames the folder to final_path (which must not exist) and stops owning it.
    void commit_as(const std::filesystem::path &final_path);

private:
    std::filesystem::path path_;
    bool owned_ = true;
};

} // namespace gmat
