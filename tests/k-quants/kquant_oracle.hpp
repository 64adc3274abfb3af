// ggml (the prebuilt llama.cpp oracle) on whole row-major matrices: the
// quantizer every K-quant is compared with, its dequantizer and validator.
#pragma once

#include <cstdint>
#include <vector>

namespace gmat::kquants::testing {

// ggml_quantize_chunk over all rows (importance may be null: ggml's reference quantizer).
std::vector<uint8_t> ggml_quantize(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols,
                                   const float *importance);
// The same into dst (rows * ggml_row_bytes bytes): benchmarks time it without an allocation.
void ggml_quantize_into(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols, const float *importance,
                        void *dst);
// ggml_get_type_traits(type)->to_float over all rows.
std::vector<float> ggml_dequantize(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols);
// Index of the first row ggml_validate_row_data rejects, or -1.
int64_t ggml_first_invalid_row(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols);
uint64_t ggml_row_bytes(uint32_t gguf_type, uint64_t cols);

} // namespace gmat::kquants::testing
