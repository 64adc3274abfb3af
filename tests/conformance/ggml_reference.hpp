// ggml (the prebuilt llama.cpp oracle) as the reference a quant type is
// compared with: its quantizer, dequantizer and row validator, on whole
// row-major matrices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::testing {

// True when ggml knows gguf_type (an id below GGML_TYPE_COUNT with a name).
bool ggml_knows(uint32_t gguf_type);
std::string ggml_type_name_of(uint32_t gguf_type);
uint64_t ggml_block_elements(uint32_t gguf_type);
uint64_t ggml_block_bytes(uint32_t gguf_type);
bool ggml_requires_importance(uint32_t gguf_type);

// ggml_quantize_chunk over all rows (importance may be nullptr).
std::vector<uint8_t> ggml_quantize(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols,
                                   const float *importance);
// The type's to_float over all rows (f32: a copy).
std::vector<float> ggml_dequantize(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols);
// Index of the first row ggml_validate_row_data rejects, or -1.
int64_t ggml_first_invalid_row(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols);

} // namespace gmat::testing
