// gmat: HuggingFace checkpoints into a tensor-addressed store, and the store
// into GGUF files, through plugins.
#include "cli/commands.hpp"
#include "cli/report_command.hpp"
#include "common/error.hpp"

#include <iostream>

int main(int argc, char **argv) {
    CLI::App app{"gmat " GMAT_VERSION ": import SafeTensors checkpoints into a GMAT store once, then export any number "
                 "of quantization profiles to GGUF files for llama.cpp, ollama and LM Studio."};
    app.set_version_flag("--version", GMAT_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // global options may follow the command too
    gmat::cli::GlobalOptions global;
    app.add_option("--plugin-dir", global.plugin_dirs,
                   "Also load plugins from this folder (searched first; repeatable). Then GMAT_PLUGIN_PATH "
                   "(colon-separated), then <gmat>/../lib/gmat/plugins");
    app.add_flag("-q,--quiet", global.quiet, "Print no progress");
    gmat::cli::add_import_command(app, global);
    gmat::cli::add_export_command(app, global);
    gmat::cli::add_inspect_command(app, global);
    gmat::cli::add_plugins_command(app, global);
    gmat::cli::add_bench_command(app, global);
    gmat::cli::add_check_plugin_command(app, global);
    gmat::cli::add_gc_command(app, global);
    gmat::cli::add_du_command(app, global);
    gmat::cli::add_report_command(app, global);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    } catch (const std::exception &e) {
        std::cerr << "gmat: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
