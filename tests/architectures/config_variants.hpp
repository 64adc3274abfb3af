// config.json variants for the architecture tests: a class's fields (field ->
// JSON text) with some replaced or added, read as "config.json", and the
// error add_hyperparameters gives for it.
#pragma once

#include "arch/hf_config.hpp"

#include <map>
#include <string>

namespace gmat::test {

using ConfigFields = std::map<std::string, std::string>;

// fields with `changed` replacing or adding fields, as JSON text.
std::string config_json_text(ConfigFields fields, const ConfigFields &changed = {});

// The same, parsed as a config.json.
HfConfig config_with(const ConfigFields &fields, const ConfigFields &changed = {});

// What the architecture of config refuses it with; "" when it writes its keys.
std::string hyperparameter_error_of(const HfConfig &config);

} // namespace gmat::test
