#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace gmat::test {

namespace {

std::string read_all(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path capture_file(const char *stream) {
    static std::atomic<int> counter{0};
    return fs::temp_directory_path() /
           ("gmat-faults-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "." + stream);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const std::vector<char *> &argv, const fs::path &out, const fs::path &err,
                             const ChildOptions &options) {
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
    if (options.file_size_limit) {
        const rlimit limit{*options.file_size_limit, *options.file_size_limit};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
        ::signal(SIGXFSZ, SIG_IGN); // an ignored signal stays ignored across exec
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

// VmRSS of a running process from /proc, in kB (0 when unreadable).
long resident_kb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

} // namespace

std::string ChildResult::describe() const {
    return (signal ? "killed by signal " + std::to_string(signal) : "exit " + std::to_string(exit_code)) +
           (timed_out ? " (timed out)" : "") + (over_memory ? " (over its memory bound)" : "") +
           "\nstderr:\n" + err + "\nstdout:\n" + out;
}

ChildProcess::ChildProcess(const fs::path &program, const std::vector<std::string> &args, const ChildOptions &options)
    : out_file_(capture_file("out")), err_file_(capture_file("err")), start_(std::chrono::steady_clock::now()) {
    std::vector<std::string> all{program.string()};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (auto &a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid_ == 0) exec_child(argv, out_file_, err_file_, options);
}

ChildProcess::~ChildProcess() {
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove(out_file_, ec);
    fs::remove(err_file_, ec);
}

bool ChildProcess::running() {
    if (reaped_) return false;
    // WNOWAIT leaves the child waitable, so wait() still collects its rusage.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
    return info.si_pid == 0;
}

void ChildProcess::kill_now() { ::kill(pid_, SIGKILL); }

ChildResult ChildProcess::wait() {
    ChildResult r;
    int status = 0;
    rusage usage{};
    while (::wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.peak_rss_kb = usage.ru_maxrss;
    r.out = read_all(out_file_);
    r.err = read_all(err_file_);
    return r;
}

ChildResult ChildProcess::wait_for(std::chrono::milliseconds timeout, long max_rss_kb) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false, over_memory = false;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) timed_out = true;
        else if (max_rss_kb > 0 && resident_kb(pid_) > max_rss_kb) over_memory = true;
        if (timed_out || over_memory) {
            kill_now();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ChildResult r = wait();
    r.timed_out = timed_out;
    r.over_memory = over_memory;
    return r;
}

ChildResult run_child(const fs::path &program, const std::vector<std::string> &args, const ChildOptions &options) {
    ChildProcess child(program, args, options);
    return child.wait();
}

bool wait_until(ChildProcess &child, const std::function<bool()> &ready, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) return child.running();
        if (!child.running()) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return false;
}

} // namespace gmat::test
