// Progress of long work on stderr: one rewritten line on a terminal, a line
// every few percent otherwise (logs stay short).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace gmat {

class ProgressLine {
public:
    ProgressLine(std::string label, uint64_t total_items, uint64_t total_bytes, bool enabled = true);
    // One item of `bytes` finished; `what` names it.
    void advance(uint64_t bytes, const std::string &what);
    void finish();
    double seconds() const;

private:
    std::string label_;
    uint64_t total_items_, total_bytes_;
    uint64_t done_items_ = 0, done_bytes_ = 0;
    bool enabled_, terminal_;
    int last_percent_ = -1;
    std::chrono::steady_clock::time_point start_;
    std::mutex mutex_;
};

std::string human_bytes(uint64_t bytes); // "1.50 GB" (powers of 1000, as the CLI's MB)

} // namespace gmat
