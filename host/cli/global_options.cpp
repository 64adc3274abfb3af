#include "cli/commands.hpp"

namespace gmat::cli {

const PluginRegistry &GlobalOptions::registry() {
    if (!registry_) registry_ = std::make_unique<PluginRegistry>(PluginRegistry::load(PluginRegistry::search_path(plugin_dirs)));
    return *registry_;
}

} // namespace gmat::cli
