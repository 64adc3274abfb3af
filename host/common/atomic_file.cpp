#include "common/atomic_file.hpp"

#include "common/error.hpp"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {

namespace {
constexpr std::string_view kTempMarker = ".gmat-tmp-";
}

const std::string &this_host() {
    static const std::string host = [] {
        char buffer[256] = {};
        if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return std::string("unknown");
        std::string name = buffer;
        for (char &c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
        return name;
    }();
    return host;
}

fs::path temporary_sibling(const fs::path &target) {
    static std::atomic<uint64_t> counter{0};
    const std::string name = "." + target.filename().string() + std::string(kTempMarker) + std::to_string(::getpid()) +
                             "@" + this_host() + "-" + std::to_string(counter++);
    return target.parent_path() / name;
}

bool temporary_owner(const std::string &name, const std::string &prefix, long &pid, std::string &host) {
    if (name.rfind(prefix, 0) != 0) return false;
    const char *start = name.c_str() + prefix.size();
    char *end = nullptr;
    errno = 0;
    pid = std::strtol(start, &end, 10);
    if (end == start || errno != 0 || pid <= 0) return false;
    host.clear();
    if (*end == '@') {
        const std::string rest(end + 1);
        const auto dash = rest.rfind('-');
        host = rest.substr(0, dash);
    }
    return true;
}

bool is_temporary_name(const fs::path &path) {
    const std::string name = path.filename().string();
    return !name.empty() && name[0] == '.' && name.find(kTempMarker) != std::string::npos;
}

void sync_path(const fs::path &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GmatError(path.string() + ": cannot open to sync: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) throw GmatError(path.string() + ": fsync failed: " + std::strerror(err));
}

void write_file_atomically(const fs::path &file, std::string_view contents) {
    const fs::path tmp = temporary_sibling(file);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw GmatError(file.string() + ": cannot create: " + std::strerror(errno));
    size_t done = 0;
    while (done < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw GmatError(file.string() + ": write failed: " + std::strerror(err));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw GmatError(file.string() + ": write failed: " + std::strerror(err));
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw GmatError(file.string() + ": cannot rename into place: " + std::strerror(err));
    }
}

TemporaryDirectory::~TemporaryDirectory() {
    if (!owned_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void TemporaryDirectory::commit_as(const fs::path &final_path) {
    sync_path(path_);
    if (::rename(path_.c_str(), final_path.c_str()) != 0)
        throw GmatError(final_path.string() + ": cannot move the finished output into place: " + std::strerror(errno));
    owned_ = false;
    if (final_path.has_parent_path()) sync_path(final_path.parent_path());
}

} // namespace gmat
