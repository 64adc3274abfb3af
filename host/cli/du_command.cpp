#include "cli/commands.hpp"

#include "common/progress.hpp"
#include "repository/disk_usage.hpp"

#include <iomanip>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
// --bytes prints one token per value, so scripts can split the table on spaces.
std::string size_text(uint64_t bytes, bool exact) { return exact ? std::to_string(bytes) : human_bytes(bytes); }

std::string percent(uint64_t part, uint64_t whole) {
    std::ostringstream out;
    const double share = whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
    out << std::fixed << std::setprecision(1) << share << "%";
    return out.str();
}

void print_usage(const DiskUsage &du, bool exact) {
    size_t width = 5;
    for (const auto &m : du.models) width = std::max(width, m.name.size());
    std::cout << std::left << std::setw(static_cast<int>(width + 2)) << "MODEL" << std::right << std::setw(8)
              << "TENSORS" << std::setw(16) << "LOGICAL" << std::setw(16) << "STORED" << std::setw(16) << "SHARED"
              << std::setw(16) << "DELTA" << "\n";
    for (const auto &m : du.models)
        std::cout << std::left << std::setw(static_cast<int>(width + 2)) << m.name << std::right << std::setw(8)
                  << m.tensors << std::setw(16) << size_text(m.logical, exact) << std::setw(16)
                  << size_text(m.stored, exact) << std::setw(16) << size_text(m.shared, exact) << std::setw(16)
                  << size_text(m.delta, exact) << "\n";
    std::cout << "\n";
    if (du.repository) std::cout << "models " << du.models.size() << "\nblobs " << du.blobs << "\n";
    std::cout << "logical " << size_text(du.logical, exact) << "\n"
              << (du.repository ? "stored_on_disk " : "stored ") << size_text(du.stored, exact) << " ("
              << percent(du.stored, du.logical) << " of logical)\n";
    if (du.repository) std::cout << "unreferenced " << size_text(du.unreferenced, exact) << " (gmat gc frees it)\n";
}
} // namespace

void add_du_command(CLI::App &app, GlobalOptions &) {
    auto path = std::make_shared<fs::path>();
    auto exact = std::make_shared<bool>(false);
    CLI::App *cmd = app.add_subcommand(
        "du", "Disk usage of a repository's models or of one store: per model its tensors, logical bytes (payloads "
              "as imported), stored bytes (files it names, each once), shared bytes (stored bytes another model "
              "names too) and delta bytes (stored bytes that are deltas against a base); then the repository's "
              "totals (stored on disk counts each blob once)");
    cmd->add_option("path", *path, "A repository, REPO/models/NAME/model.gmat, or a standalone DIR/model.gmat")
        ->required();
    cmd->add_flag("--bytes", *exact, "Print exact byte counts instead of rounded sizes");
    cmd->callback([path, exact] { print_usage(measure_disk_usage(*path), *exact); });
}

} // namespace gmat::cli
