// Runs the installed gmat (and other programs) as a user would, from a shell,
// and gives back the exit code and everything printed. Also the paths of the
// scratch install the ctest fixture prepared (prepare_install.cmake).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gmat::install_test {

struct CommandResult {
    int exit_code = -1;
    std::string output; // stdout and stderr, interleaved
};

// Runs argv (each argument shell-quoted) with GMAT_PLUGIN_PATH and GMAT_GGML_LIB
// unset, then the extra "NAME=value" environment settings applied.
CommandResult run_command(const std::vector<std::string> &argv, const std::vector<std::string> &environment = {});

// The fixture's layout.
std::filesystem::path install_prefix();     // cmake --install --prefix
std::filesystem::path installed_gmat();     // <prefix>/bin/gmat
std::filesystem::path example_build_dir();  // examples/quant-plugin built against the prefix
std::filesystem::path example_plugin_dir(); // <example build>/plugins, holds ternary.so
std::filesystem::path abi_plugin_dir();     // tests/install/abi_plugins built against the prefix
// A fresh, empty folder under the work dir for one test.
std::filesystem::path scratch_dir(const std::string &name);

} // namespace gmat::install_test
