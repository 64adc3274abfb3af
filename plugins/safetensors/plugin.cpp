// The plugin's one exported symbol: a reader for the "safetensors" format.
#include "safetensors_reader.hpp"

GMAT_PLUGIN("safetensors", "1.0.0",
            "Reads HuggingFace safetensors checkpoints: one file, or shards with or without "
            "model.safetensors.index.json; memory-mapped, strictly validated",
            GMAT_PLUGIN_READER, nullptr,
            (::gmat::sdk::ReaderApiAdapter<::gmat::safetensors::SafetensorsReader>::api("safetensors")))
