#include "config_variants.hpp"

#include "arch/architecture.hpp"
#include "metadata/metadata.hpp"

#include <exception>

namespace gmat::test {

std::string config_json_text(ConfigFields fields, const ConfigFields &changed) {
    for (const auto &[field, value] : changed) fields[field] = value;
    std::string json;
    for (const auto &[field, value] : fields) json += (json.empty() ? "{" : ", ") + ("\"" + field + "\": ") + value;
    return json + "}";
}

HfConfig config_with(const ConfigFields &fields, const ConfigFields &changed) {
    return HfConfig::from_text(config_json_text(fields, changed), "config.json");
}

std::string hyperparameter_error_of(const HfConfig &config) {
    Metadata md;
    try {
        architecture_for(config).add_hyperparameters(config, md);
    } catch (const std::exception &e) {
        return e.what();
    }
    return "";
}

} // namespace gmat::test
