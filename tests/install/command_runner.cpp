#include "command_runner.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace gmat::install_test {

namespace {

std::string shell_quoted(const std::string &arg) {
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

fs::path work_dir() { return GMAT_INSTALL_WORK_DIR; }

} // namespace

CommandResult run_command(const std::vector<std::string> &argv, const std::vector<std::string> &environment) {
    // The caller's own plugin and ggml settings must not leak into a test.
    std::string line = "env -u GMAT_PLUGIN_PATH -u GMAT_GGML_LIB";
    for (const auto &setting : environment) line += " " + shell_quoted(setting);
    for (const auto &arg : argv) line += " " + shell_quoted(arg);
    line += " 2>&1";
    FILE *pipe = popen(line.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + line);
    CommandResult result;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

fs::path install_prefix() { return work_dir() / "prefix"; }
fs::path installed_gmat() { return install_prefix() / "bin" / "gmat"; }
fs::path example_build_dir() { return work_dir() / "example-build"; }
fs::path example_plugin_dir() { return example_build_dir() / "plugins"; }
fs::path abi_plugin_dir() { return work_dir() / "abi-build" / "plugins"; }

fs::path scratch_dir(const std::string &name) {
    const fs::path dir = work_dir() / "scratch" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

} // namespace gmat::install_test
