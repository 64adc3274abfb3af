#include "cli/commands.hpp"

#include <iomanip>
#include <iostream>

namespace gmat::cli {

namespace {
void print_plugins(const PluginRegistry &registry) {
    std::cout << "Plugin search path:\n";
    for (const auto &dir : registry.searched()) std::cout << "  " << dir.string() << "\n";
    std::cout << "\nLoaded plugins (" << registry.plugins().size() << "):\n";
    std::cout << "  " << std::left << std::setw(14) << "NAME" << std::setw(10) << "VERSION" << std::setw(8) << "KIND"
              << std::setw(6) << "ABI" << "PROVIDES / FILE\n";
    for (const auto &p : registry.plugins()) {
        std::string provides;
        for (const auto &t : p.provides) provides += (provides.empty() ? "" : " ") + t;
        std::cout << "  " << std::left << std::setw(14) << p.name << std::setw(10) << p.version << std::setw(8)
                  << plugin_kind_name(p.kind) << std::setw(6)
                  << (std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor)) << provides << "\n"
                  << "  " << std::string(38, ' ') << p.file.string() << "\n";
    }
    if (!registry.quant_types().empty()) {
        std::cout << "\nQuantization types:\n";
        for (const QuantType *t : registry.quant_types()) {
            std::cout << "  " << std::left << std::setw(10) << t->name() << " gguf id " << std::setw(4) << t->gguf_type()
                      << std::setw(8) << std::fixed << std::setprecision(4) << t->bits_per_weight() << " bits/weight"
                      << "  block " << t->block_elements() << " values / " << t->block_bytes() << " bytes"
                      << (t->uses_importance() ? "  [imatrix]" : "") << (t->is_slow_search() ? "  [slow search]" : "") << "  (" << t->plugin_name() << ")\n";
        }
    }
    if (!registry.conflicts().empty()) {
        std::cout << "\nType name conflicts (the first plugin in search order serves the plain name; write "
                     "'plugin:type' to pick another):\n";
        for (const auto &c : registry.conflicts()) std::cout << "  " << c << "\n";
    }
    std::cout << "\nRefused (" << registry.refused().size() << "):\n";
    for (const auto &r : registry.refused()) std::cout << "  " << r.file.string() << ": " << r.reason << "\n";
}
} // namespace

void add_plugins_command(CLI::App &app, GlobalOptions &global) {
    CLI::App *cmd = app.add_subcommand("plugins", "List the plugins found (name, version, kind, provided types, file) "
                                                  "and those refused, with the reason");
    cmd->callback([&global] { print_plugins(global.registry()); });
}

} // namespace gmat::cli
