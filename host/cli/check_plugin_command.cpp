// gmat check-plugin PATH: loads one plugin file (or every plugin of a folder)
// on its own, without the usual search path, and runs the host-side
// conformance check on each quant type it provides. Prints PASS/FAIL/SKIP per
// check; exits non-zero when the plugin is refused or any check fails.
#include "cli/commands.hpp"

#include "bench/ggml_library.hpp"
#include "bench/plugin_checks.hpp"
#include "common/error.hpp"

#include <cstdio>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {

struct CheckPluginArgs {
    fs::path path;
    std::string ggml_lib;
};

struct Tally {
    unsigned passed = 0, failed = 0, skipped = 0;
    void print(const char *outcome, const std::string &check, const std::string &detail) {
        std::printf("  %-5s %-17s %s\n", outcome, check.c_str(), detail.c_str());
    }
    void add(const bench::CheckResult &r) {
        static const char *names[] = {"PASS", "FAIL", "SKIP"};
        print(names[int(r.outcome)], r.check, r.detail);
        (r.outcome == bench::CheckOutcome::pass ? passed : r.outcome == bench::CheckOutcome::fail ? failed : skipped)++;
    }
};

// Refusals fail the run: a plugin the host will not load is not conformant.
void report_loading(const PluginRegistry &registry, Tally &tally) {
    for (const RefusedPlugin &r : registry.refused()) {
        std::printf("%s\n", r.file.string().c_str());
        tally.print("FAIL", "load", r.reason);
        ++tally.failed;
    }
    for (const PluginInfo &p : registry.plugins()) {
        std::printf("%s\n", p.file.string().c_str());
        tally.print("PASS", "load",
                    "plugin " + p.name + " " + p.version + " (" + plugin_kind_name(p.kind) + ", ABI " +
                        std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor) + ")");
        ++tally.passed;
    }
}

void run(const CheckPluginArgs &args) {
    std::error_code ec;
    if (!fs::exists(args.path, ec)) throw GmatError("check-plugin: " + args.path.string() + " does not exist");
    const PluginRegistry registry = PluginRegistry::load({args.path});
    std::string why_no_ggml;
    const auto ggml = bench::GgmlLibrary::from_option_or_environment(args.ggml_lib, why_no_ggml);
    Tally tally;
    report_loading(registry, tally);
    if (registry.plugins().empty() && registry.refused().empty())
        throw GmatError("check-plugin: no plugin (.so) found in " + args.path.string());
    // Every type the loaded plugins provide, shadowed ones too: all of them are checked.
    for (const PluginInfo &plugin : registry.plugins()) {
        if (plugin.kind != GMAT_PLUGIN_QUANT) continue;
        for (const std::string &provided : plugin.provides) {
            const std::string name = provided.find(':') == std::string::npos ? plugin.name + ":" + provided : provided;
            const QuantType &type = registry.quant_type(name);
            std::printf("\n%s (plugin %s)\n", type.name().c_str(), plugin.name.c_str());
            for (const bench::CheckResult &r : bench::check_quant_type(type, ggml.get())) tally.add(r);
        }
    }
    std::printf("\n%u passed, %u failed, %u skipped\n", tally.passed, tally.failed, tally.skipped);
    std::fflush(stdout);
    if (tally.failed > 0)
        throw GmatError("check-plugin: " + std::to_string(tally.failed) + " check" + (tally.failed == 1 ? "" : "s") +
                        " failed for " + args.path.string());
}

} // namespace

void add_check_plugin_command(CLI::App &app, GlobalOptions &) {
    auto args = std::make_shared<CheckPluginArgs>();
    CLI::App *cmd = app.add_subcommand(
        "check-plugin", "Load one plugin file (or the plugins of one folder) on its own and check each quant type it "
                        "provides: descriptor, round-trip error for its bits, determinism, thread-split "
                        "independence, NaN/inf refusal, row-length refusal, and agreement with ggml when "
                        "--ggml-lib (or GMAT_GGML_LIB) is given. Exits non-zero on any failure");
    cmd->add_option("path", args->path, "A plugin .so file, or a folder of them")->required();
    cmd->add_option("--ggml-lib", args->ggml_lib, "libggml-base.so to check against (default: $GMAT_GGML_LIB)");
    cmd->callback([args] { run(*args); });
}

} // namespace gmat::cli
