#include "in_process_export.hpp"

#include "config/export_config.hpp"
#include "store/store.hpp"

#include <sstream>

namespace gmat::test {

const PluginRegistry &build_plugins() {
    static const PluginRegistry registry = PluginRegistry::load({GMAT_TEST_PLUGIN_DIR});
    return registry;
}

std::string default_type_config(const std::string &type) {
    return R"({"quantization": {"default_type": ")" + type + R"("}})";
}

ExportSummary export_in_process(const std::filesystem::path &store_dir, const std::string &config_json,
                                const std::filesystem::path &output, const InProcessExport &options) {
    const Store store = Store::open(store_dir);
    const ExportConfig config = parse_export_config_text(config_json, "test config");
    const ExportPlan plan = plan_export(store, config, "test config", build_plugins(), options.plan);
    ExportRunOptions run;
    run.output = output;
    run.threads = options.threads;
    run.progress = false;
    std::ostringstream log;
    const ExportSummary summary = run_export(store, plan, config, build_plugins(), run, log);
    if (options.log) *options.log = log.str();
    return summary;
}

} // namespace gmat::test
