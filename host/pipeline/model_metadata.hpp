// The GGUF key/values of an export: general.*, the architecture's
// hyperparameters, the tokenizer, and gmat's own provenance keys.
#pragma once

#include "arch/architecture.hpp"
#include "config/export_config.hpp"
#include "store/store.hpp"

namespace gmat {

// allow_unknown_pre_tokenizer: see TokenizerOptions (--allow-unknown-pretokenizer).
Metadata model_metadata(const Store &store, const ExportConfig &config, const Architecture &arch, const HfConfig &hf,
                        bool allow_unknown_pre_tokenizer = false);

} // namespace gmat
