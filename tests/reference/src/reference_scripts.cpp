#include "reference/reference_scripts.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <sys/wait.h>
#include <unistd.h>

namespace reference {

namespace {

std::string format_number(double value) {
    std::ostringstream out;
    out.precision(17);
    out << value;
    return out.str();
}

// fork/exec with an argument vector: no shell, so paths need no quoting. The
// child only calls async-signal-safe functions (the parent may run threads).
std::string run_capturing_output(const std::vector<std::string> &argv, int &exit_status) {
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    static const char kExecFailed[] = "exec of the Python interpreter failed\n";
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execv(args[0], args.data());
        [[maybe_unused]] auto ignored = write(STDERR_FILENO, kExecFailed, sizeof kExecFailed - 1);
        _exit(127);
    }
    close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            output.append(buffer, static_cast<size_t>(n));
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return output;
}

} // namespace

std::string run_reference_script(const std::string &script, const std::vector<std::string> &args) {
    if (std::string(GMAT_PYTHON_NUMPY).empty())
        throw std::runtime_error("no python3 with numpy was found when gmat was configured (set GMAT_PYTHON_NUMPY)");
    // -B: no __pycache__ written into the source tree.
    std::vector<std::string> argv = {GMAT_PYTHON_NUMPY, "-B", std::string(GMAT_REFERENCE_DIR) + "/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    int status = 0;
    const std::string output = run_capturing_output(argv, status);
    if (status != 0) {
        std::string command;
        for (const auto &a : argv)
            command += (command.empty() ? "" : " ") + a;
        throw std::runtime_error(command + " exited with status " + std::to_string(status) + ":\n" + output);
    }
    return output;
}

void make_llama_checkpoint(const std::filesystem::path &out_dir, const CheckpointOptions &o) {
    std::vector<std::string> args = {out_dir.string()};
    auto option = [&args](const char *flag, std::string value) {
        args.emplace_back(flag);
        args.push_back(std::move(value));
    };
    option("--hidden", std::to_string(o.hidden));
    option("--intermediate", std::to_string(o.intermediate));
    option("--layers", std::to_string(o.layers));
    option("--heads", std::to_string(o.heads));
    option("--kv-heads", std::to_string(o.kv_heads));
    option("--vocab", std::to_string(o.vocab));
    option("--max-pos", std::to_string(o.max_pos));
    option("--dtype", o.dtype);
    option("--shards", std::to_string(o.shards));
    option("--seed", std::to_string(o.seed));
    option("--rope-theta", format_number(o.rope_theta));
    option("--rms-eps", format_number(o.rms_eps));
    option("--architecture", o.architecture);
    if (o.head_dim)
        option("--head-dim", std::to_string(*o.head_dim));
    if (o.tied)
        args.emplace_back("--tied");
    if (o.rope_scaling_llama3)
        args.emplace_back("--rope-scaling-llama3");
    run_reference_script("make_llama_checkpoint.py", args);
}

std::vector<float> llama_reference_logits(const std::filesystem::path &model_dir, const std::vector<int32_t> &tokens) {
    std::string token_list;
    for (int32_t t : tokens)
        token_list += (token_list.empty() ? "" : ",") + std::to_string(t);
    static std::atomic<int> counter{0}; // unique per call, also across threads
    const auto out = std::filesystem::temp_directory_path() /
                     ("gmat-reference-logits-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".f32");
    run_reference_script("llama_reference.py",
                         {"--model", model_dir.string(), "--tokens", token_list, "--out", out.string()});
    std::ifstream in(out, std::ios::binary);
    const auto size = std::filesystem::file_size(out);
    std::vector<float> logits(size / sizeof(float));
    in.read(reinterpret_cast<char *>(logits.data()), static_cast<std::streamsize>(logits.size() * sizeof(float)));
    std::filesystem::remove(out);
    if (!in || size % sizeof(float) != 0)
        throw std::runtime_error(out.string() + ": cannot read the reference logits");
    return logits;
}

} // namespace reference
