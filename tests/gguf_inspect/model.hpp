// One small random Llama store per test process, for the inspect tests.
#pragma once

#include "in_process_export.hpp"
#include "pipeline/import_pipeline.hpp"

#include <reference/reference_scripts.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace gmat::test {

inline const std::filesystem::path &inspect_root() {
    static const std::filesystem::path root = [] {
        auto p = std::filesystem::temp_directory_path() / ("gmat-inspect-" + std::to_string(::getpid()));
        std::filesystem::remove_all(p);
        std::filesystem::create_directories(p);
        std::atexit([] { std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("gmat-inspect-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}

inline const std::filesystem::path &inspect_store() {
    static const std::filesystem::path store = [] {
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.layers = 2;
        o.vocab = 512;
        o.seed = 9;
        const auto dir = inspect_root() / "llama";
        reference::make_llama_checkpoint(dir / "hf", o);
        ImportOptions import;
        import.model = dir / "hf";
        import.output_dir = dir;
        import.progress = false;
        std::ostringstream log;
        return run_import(build_plugins(), import, log).store;
    }();
    return store;
}

} // namespace gmat::test
