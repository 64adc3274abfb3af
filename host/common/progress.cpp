#include "common/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace gmat {

std::string human_bytes(uint64_t bytes) {
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000.0 && u < 4) v /= 1000.0, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    return buf;
}

ProgressLine::ProgressLine(std::string label, uint64_t total_items, uint64_t total_bytes, bool enabled)
    : label_(std::move(label)), total_items_(total_items), total_bytes_(total_bytes), enabled_(enabled),
      terminal_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

double ProgressLine::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::advance(uint64_t bytes, const std::string &what) {
    std::lock_guard lock(mutex_);
    ++done_items_;
    done_bytes_ += bytes;
    if (!enabled_) return;
    const int percent = total_bytes_ ? static_cast<int>(100.0 * done_bytes_ / total_bytes_) : 100;
    const double s = seconds();
    const double rate = s > 0 ? done_bytes_ / s : 0;
    if (terminal_) {
        std::fprintf(stderr, "\r\033[K%s [%llu/%llu] %s / %s (%d%%, %s/s) %s", label_.c_str(),
                     (unsigned long long)done_items_, (unsigned long long)total_items_, human_bytes(done_bytes_).c_str(),
                     human_bytes(total_bytes_).c_str(), percent, human_bytes(static_cast<uint64_t>(rate)).c_str(),
                     what.c_str());
    } else if (percent / 10 != last_percent_ / 10 || done_items_ == total_items_) {
        std::fprintf(stderr, "%s [%llu/%llu] %s / %s (%d%%)\n", label_.c_str(), (unsigned long long)done_items_,
                     (unsigned long long)total_items_, human_bytes(done_bytes_).c_str(), human_bytes(total_bytes_).c_str(),
                     percent);
        last_percent_ = percent;
    }
    std::fflush(stderr);
}

void ProgressLine::finish() {
    std::lock_guard lock(mutex_);
    if (enabled_ && terminal_) std::fprintf(stderr, "\n");
}

} // namespace gmat
