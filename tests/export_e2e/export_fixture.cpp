#include "export_fixture.hpp"

#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"

#include <reference/reference_scripts.hpp>

#include <map>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {

namespace {
fs::path scratch_root() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-e2e-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-e2e-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}
} // namespace

fs::path scratch_path(const std::string &name) { return scratch_root() / name; }

fs::path import_checkpoint(const fs::path &dir, const reference::CheckpointOptions &options) {
    reference::make_llama_checkpoint(dir / "hf", options);
    ImportOptions import;
    import.model = dir / "hf";
    import.output_dir = dir;
    import.progress = false;
    std::ostringstream log;
    return run_import(build_plugins(), import, log).store;
}

const ExportedModel &llama_model(const std::string &dtype) {
    static std::map<std::string, ExportedModel> models;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    auto it = models.find(dtype);
    if (it != models.end()) return it->second;
    ExportedModel m;
    m.dir = scratch_root() / ("llama-" + dtype);
    m.hf = m.dir / "hf";
    reference::CheckpointOptions options;
    options.dtype = dtype;
    options.layers = 2;
    options.heads = 4;
    options.kv_heads = 2; // GQA
    options.seed = 7;
    m.store = import_checkpoint(m.dir, options);
    for (int i = 0; i < 32; ++i) m.tokens.push_back((i * 37 + 11) % options.vocab);
    return models.emplace(dtype, std::move(m)).first->second;
}

ExportSummary export_store(const fs::path &store_dir, const std::string &config_json, const fs::path &output,
                           unsigned threads, std::optional<uint64_t> shard_size) {
    InProcessExport options;
    options.threads = threads;
    options.plan.shard_size_bytes = shard_size;
    return export_in_process(store_dir, config_json, output, options);
}

} // namespace gmat::test
