#include "cli/commands.hpp"

#include "common/progress.hpp"
#include "repository/garbage_collection.hpp"
#include "repository/repository_layout.hpp"
#include "repository/repository_lock.hpp"

#include <iostream>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
void run_gc(const fs::path &root, bool dry_run) {
    const RepositoryLayout repo = open_repository(root);
    const RepositoryLock lock(repo.lock_file(), LockMode::exclusive, &std::cout);
    const GarbagePlan plan = plan_garbage_collection(repo);
    const char *verb = dry_run ? "would remove " : "removing ";
    for (const auto &blob : plan.blobs) std::cout << verb << blob.string() << "\n";
    for (const auto &temporary : plan.temporaries) std::cout << verb << temporary.string() << "\n";
    if (!dry_run) collect_garbage(repo, plan);
    std::cout << (dry_run ? "Would free " : "Freed ") << plan.blobs.size() << " unreferenced blobs ("
              << human_bytes(plan.blob_bytes) << ") and " << plan.temporaries.size() << " stale temporaries; "
              << plan.live_blobs << " blobs in use\n";
}
} // namespace

void add_gc_command(CLI::App &app, GlobalOptions &) {
    auto root = std::make_shared<fs::path>();
    auto dry_run = std::make_shared<bool>(false);
    CLI::App *cmd = app.add_subcommand(
        "gc", "Delete the blobs of a repository that no model references (directly, or as the base of a delta "
              "in use) and the temporaries of killed imports. Waits for running imports to finish. To remove a "
              "model: rm -r REPO/models/NAME, then gmat gc REPO");
    cmd->add_option("repository", *root, "The repository folder (made by gmat import --into)")->required();
    cmd->add_flag("-n,--dry-run", *dry_run, "Only list what would be deleted");
    cmd->callback([root, dry_run] { run_gc(*root, *dry_run); });
}

} // namespace gmat::cli
