// llama.cpp's own model quantizer (what `llama-quantize` runs), as the baseline
// gmat's exporter is compared against.
#pragma once

#include <cstdint>
#include <filesystem>

namespace oracle {

// Quantizes the GGUF at `input` to `output` with llama_model_quantize using
// llama.cpp's default mix for `ftype` (a llama_ftype value such as
// LLAMA_FTYPE_MOSTLY_Q8_0 = 7). Throws std::runtime_error naming both paths
// when llama.cpp reports failure.
void quantize_model(const std::filesystem::path &input, const std::filesystem::path &output, int32_t ftype,
                    int n_threads = 2);

} // namespace oracle
