#include "cli/report_command.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "report/html_report.hpp"
#include "repository/locked_store.hpp"

#include <tbb/task_arena.h>

#include <iostream>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
struct ReportArgs {
    fs::path model;
    std::vector<fs::path> configs;
    fs::path output = "report.html";
    unsigned threads = 0;
};

void run(GlobalOptions &global, const ReportArgs &args) {
    const LockedStore locked = open_store_for_reading(args.model, &std::cerr);
    tbb::task_arena arena(args.threads ? static_cast<int>(args.threads) : tbb::task_arena::automatic);
    std::vector<ReportProfile> profiles;
    for (const auto &config : args.configs) {
        profiles.push_back(arena.execute([&] { return report_profile(locked.store, config, global.registry()); }));
        const ReportProfile &p = profiles.back();
        if (!global.quiet)
            std::cout << p.name << ": " << p.file_bytes << " bytes, " << p.bits_per_weight() << " bits per weight, "
                      << "predicted loss " << p.predicted_loss << " (" << p.seconds << " s)\n";
    }
    fs::path store_dir = fs::absolute(args.model).lexically_normal();
    if (store_dir.filename().empty()) store_dir = store_dir.parent_path();
    const std::string title = store_dir.parent_path().filename().string() + "/" + store_dir.filename().string();
    if (args.output.has_parent_path()) fs::create_directories(args.output.parent_path());
    write_file_atomically(args.output, render_report_html(title, profiles));
    std::cout << "Wrote " << args.output.string() << "\n";
}
} // namespace

void add_report_command(CLI::App &app, GlobalOptions &global) {
    auto args = std::make_shared<ReportArgs>();
    CLI::App *cmd = app.add_subcommand(
        "report", "Compare export profiles of a store in one self-contained HTML page (inline SVG, no network): size "
                  "and bits per weight per profile, a layers x roles map of types and predicted error, bits per "
                  "role. Plans only (like --dry-run): nothing is exported");
    cmd->add_option("-m,--model", args->model, "The model.gmat store folder")->required();
    cmd->add_option("-c,--config", args->configs, "An export profile (repeat for each profile to compare)")->required();
    cmd->add_option("-o,--output", args->output, "The HTML file to write (default: report.html)");
    cmd->add_option("-t,--threads", args->threads, "Worker threads for measuring errors (default: all cores)");
    cmd->callback([&global, args] { run(global, *args); });
}

} // namespace gmat::cli
