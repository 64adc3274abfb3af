// The kernels being timed: a gmat quant type or ggml's own, over row ranges
// split across a number of threads (1 = the calling thread).
#pragma once

#include "plugins/quant_type.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace gmat::bench {

struct Shape {
    uint64_t rows, cols;
};

void gmat_quantize(const QuantType &type, gmat_scale_strategy strategy, const float *src, Shape shape, void *dst,
                   unsigned threads);
void gmat_dequantize(const QuantType &type, const void *src, Shape shape, float *dst, unsigned threads);

void ggml_quantize(uint32_t gguf_type, const float *src, Shape shape, void *dst, unsigned threads);
void ggml_dequantize(uint32_t gguf_type, const void *src, Shape shape, float *dst, unsigned threads);

// Runs body(first_row, row_count) on `threads` contiguous row ranges.
void split_rows(uint64_t rows, unsigned threads, const std::function<void(uint64_t, uint64_t)> &body);

bool ggml_can_run(uint32_t gguf_type); // known to ggml, quantizable without an imatrix
uint64_t ggml_row_bytes(uint32_t gguf_type, uint64_t cols);

} // namespace gmat::bench
