// The gguf plugin's one exported symbol: a writer for GGUF v3 files.
#include "gguf_writer.hpp"

#include <gmat/sdk.hpp>

GMAT_PLUGIN("gguf", "1.0.0", "GGUF v3 writer for llama.cpp, with llama.cpp-compatible sharding",
            GMAT_PLUGIN_WRITER, nullptr,
            (::gmat::sdk::WriterApiAdapter<::gmat::gguf::GgufWriter>::api("gguf", ".gguf")))
