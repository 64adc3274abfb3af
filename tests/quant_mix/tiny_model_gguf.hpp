// Writes a TinyModel as an unquantized GGUF with ggml's own gguf API, so the
// file llama.cpp quantizes was produced independently of gmat.
#pragma once

#include "tiny_models.hpp"

#include <filesystem>

namespace quant_mix_test {

// Random weights (f16) and unit norms (f32); metadata just sufficient for
// llama.cpp's loader (hparams, tokenizer.ggml.model = "no_vocab").
// Throws std::runtime_error when ggml cannot write the file.
void write_tiny_model_gguf(const TinyModel &model, const std::filesystem::path &path);

} // namespace quant_mix_test
