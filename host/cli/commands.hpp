// The gmat CLI's commands. Each add_* registers a subcommand on the app and
// its callback; main only wires them.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <vector>

namespace gmat::cli {

struct GlobalOptions {
    std::vector<std::filesystem::path> plugin_dirs;
    bool quiet = false;
    // Loaded on first use: the registry's search path includes --plugin-dir.
    const PluginRegistry &registry();

private:
    std::unique_ptr<PluginRegistry> registry_;
};

void add_import_command(CLI::App &app, GlobalOptions &global);
void add_export_command(CLI::App &app, GlobalOptions &global);
void add_inspect_command(CLI::App &app, GlobalOptions &global);
void add_plugins_command(CLI::App &app, GlobalOptions &global);
void add_bench_command(CLI::App &app, GlobalOptions &global);
void add_check_plugin_command(CLI::App &app, GlobalOptions &global);
void add_gc_command(CLI::App &app, GlobalOptions &global);
void add_du_command(CLI::App &app, GlobalOptions &global);

} // namespace gmat::cli
