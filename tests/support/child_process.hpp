// Runs the built `gmat` binary as a child process the way a user's shell
// would, with the knobs fault tests need: a file-size limit (RLIMIT_FSIZE,
// SIGXFSZ ignored so writes fail with EFBIG instead of killing the child),
// SIGKILL at a moment the test picks, and the child's peak memory.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gmat::test {

struct ChildOptions {
    std::optional<uint64_t> file_size_limit; // bytes; writes past it fail with EFBIG
};

struct ChildResult {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;      // the signal that ended it, 0 when it exited
    std::string out, err;
    long peak_rss_kb = 0; // getrusage ru_maxrss of the child
    double seconds = 0;
    bool timed_out = false, over_memory = false; // killed by wait_for
    std::string describe() const; // "exit 1" / "killed by signal 9", then stderr
};

class ChildProcess {
public:
    // Starts program with args (argv[1..]); stdout and stderr go to files.
    ChildProcess(const std::filesystem::path &program, const std::vector<std::string> &args,
                 const ChildOptions &options = {});
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess(); // kills and reaps a child still running

    pid_t pid() const { return pid_; }
    bool running();
    void kill_now(); // SIGKILL
    ChildResult wait();
    // Waits at most timeout, then kills the child (the result shows SIGKILL);
    // also kills it as soon as its resident memory passes max_rss_kb (when
    // non-zero), so a test of a memory bug cannot take the machine down.
    ChildResult wait_for(std::chrono::milliseconds timeout, long max_rss_kb = 0);

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    std::filesystem::path out_file_, err_file_;
    std::chrono::steady_clock::time_point start_;
};

// Runs to completion.
ChildResult run_child(const std::filesystem::path &program, const std::vector<std::string> &args,
                      const ChildOptions &options = {});

// Polls (every 200 µs) until ready() or the child exits or timeout passes;
// true when ready() held while the child still ran.
bool wait_until(ChildProcess &child, const std::function<bool()> &ready,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

} // namespace gmat::test
