// A minimal HF-Llama-to-GGUF conversion (F32, no tokenizer) written only to
// check llama_reference.py against llama.cpp. It applies the two conventions a
// real exporter must: q/k rows regrouped for ggml's adjacent-pair RoPE, and
// llama3 rope scaling carried as per-frequency divisors in rope_freqs.weight.
#pragma once

#include <filesystem>

namespace reference::testing {

// The switches exist so tests can show that leaving either convention out
// changes llama.cpp's logits (the comparison has the power to catch it).
struct ConversionOptions {
    bool regroup_qk_for_rope = true;
    bool llama3_rope_freqs = true;
};

void write_llama_gguf_from_hf(const std::filesystem::path &model_dir, const std::filesystem::path &gguf_path,
                              const ConversionOptions &options = {});

} // namespace reference::testing
