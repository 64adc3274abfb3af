// Which quant types the conformance suite runs on: every type of every
// plugin found in GMAT_PLUGIN_PATH (colon-separated) when it is set, else in
// this build's plugin folder. Loaded once, on first use; never unloaded.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <gmat/abi.h>

#include <string>
#include <vector>

namespace gmat::testing {

struct ConformanceCase {
    std::string type;                 // the quant type's name
    gmat_scale_strategy strategy;     // STANDARD only for float types
    bool is_float;
};

// The loaded registry; nullptr when loading threw (see registry_problem()).
const PluginRegistry *conformance_registry();
// Why no type was found (load error, refused plugins), or "" when fine.
std::string registry_problem();

// One case per type and strategy (float types: one case). Never throws: a
// registry that fails to load gives no cases and a failing discovery test.
std::vector<ConformanceCase> conformance_cases();

std::string case_name(const ConformanceCase &c);

} // namespace gmat::testing
