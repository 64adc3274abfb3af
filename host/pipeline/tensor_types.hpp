// Choosing each tensor's type: the default type's mix rules, then per-tensor
// overrides (UUID beats GGUF name beats regular expression), then the row
// fallback, then the plugin that provides the type.
#pragma once

#include "pipeline/export_plan.hpp"

namespace gmat {

void assign_tensor_types(ExportPlan &plan, const Store &store, const ExportConfig &config, const std::string &ctx,
                         const PluginRegistry &registry, const Architecture &arch, const HfConfig &hf);

// Every name a config may use as a type: the mixes and every loaded plugin type.
std::vector<std::string> valid_type_names(const PluginRegistry &registry);

} // namespace gmat
