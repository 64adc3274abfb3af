// The GGUF key/values of an export: general.*, the architecture's
// hyperparameters, the tokenizer, and gmat's own provenance keys.
#pragma once

#include "arch/architecture.hpp"
#include "config/export_config.hpp"
#include "store/store.hpp"

namespace gmat {

Metadata model_metadata(const Store &store, const ExportConfig &config, const Architecture &arch, const HfConfig &hf);

} // namespace gmat
