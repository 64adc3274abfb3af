// ggml's own per-type kernels (prebuilt libggml-base), used as the reference
// that gmat's quant plugins are compared against. Types are raw ggml_type ids so
// callers need not include ggml.h; invalid arguments throw std::invalid_argument
// instead of reaching ggml's aborting asserts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace oracle {

// "q4_0", "f16", ... as ggml names the type.
std::string type_name(uint32_t ggml_type);
// Elements per block (1 for f32/f16/bf16).
int64_t block_size(uint32_t ggml_type);
// Bytes of one row of n_cols elements; n_cols must be a multiple of the block size.
size_t row_size(uint32_t ggml_type, int64_t n_cols);

// n_values floats decoded by ggml's to_float for the type.
std::vector<float> dequantize(uint32_t ggml_type, const void *data, int64_t n_values);

// n_rows x n_cols floats encoded by ggml_quantize_chunk (the path llama-quantize
// takes). imatrix holds n_cols importance weights or is null; types that need one
// throw without it.
std::vector<uint8_t> quantize(uint32_t ggml_type, const float *src, int64_t n_rows, int64_t n_cols,
                              const float *imatrix = nullptr);
// The same into dst (n_rows rows of ggml_row_size bytes), for benchmarks that
// must not time an allocation.
void quantize_into(uint32_t ggml_type, const float *src, int64_t n_rows, int64_t n_cols, const float *imatrix,
                   void *dst);

// ggml_validate_row_data: false for NaN/Inf scales or values llama.cpp rejects on load.
bool validate_row_data(uint32_t ggml_type, const void *data, size_t n_bytes);

} // namespace oracle
