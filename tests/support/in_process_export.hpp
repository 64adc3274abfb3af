// `gmat export` run in the test process: the store, a JSON export config and
// the plugins this build made, without a child process.
#pragma once

#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "plugins/plugin_registry.hpp"

#include <filesystem>
#include <string>

namespace gmat::test {

// Every plugin of this build (its plugin output folder), loaded once.
const PluginRegistry &build_plugins();

// {"quantization": {"default_type": "<type>"}}
std::string default_type_config(const std::string &type);

struct InProcessExport {
    unsigned threads = 2;
    ExportPlanOptions plan; // shard size, imatrix, tensors to skip
    std::string *log = nullptr; // receives the export's log when set
};

// Plans and runs the export of store_dir with config_json to output; throws
// what the export throws (GmatError naming the problem).
ExportSummary export_in_process(const std::filesystem::path &store_dir, const std::string &config_json,
                                const std::filesystem::path &output, const InProcessExport &options = {});

} // namespace gmat::test
