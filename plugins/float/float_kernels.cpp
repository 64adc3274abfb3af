#include "float_kernels.hpp"

#include <gmat_quant/half_rows.hpp>

#include <cstring>

namespace gmat::floats {

namespace {

namespace q = gmat::quant;

// Float encodings ignore the strategy and the importance vector: there is no
// choice to make, every value has exactly one nearest representation.
void f32_quantize(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &, void *dst) {
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
}
void f32_dequantize(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
}

void f16_quantize(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &, void *dst) {
    q::fp32_to_fp16_row(src, static_cast<uint16_t *>(dst), n_rows * n_cols);
}
void f16_dequantize(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    q::fp16_to_fp32_row(static_cast<const uint16_t *>(src), dst, n_rows * n_cols);
}

void bf16_quantize(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &, void *dst) {
    q::fp32_to_bf16_row(src, static_cast<uint16_t *>(dst), n_rows * n_cols);
}
void bf16_dequantize(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    q::bf16_to_fp32_row(static_cast<const uint16_t *>(src), dst, n_rows * n_cols);
}

constexpr gmat_quant_type_desc describe(const char *name, uint32_t gguf_type, uint32_t bytes,
                                        const char *description) {
    return {sizeof(gmat_quant_type_desc), name, gguf_type, 1, bytes, GMAT_QUANT_FLOAT, description};
}

} // namespace

const sdk::QuantKernel f32_kernel = {describe("f32", 0, 4, "IEEE binary32, stored as is"), f32_quantize,
                                     f32_dequantize};
const sdk::QuantKernel f16_kernel = {
    describe("f16", 1, 2, "IEEE binary16, round to nearest even; inf and NaN kept"), f16_quantize,
    f16_dequantize};
const sdk::QuantKernel bf16_kernel = {
    describe("bf16", 30, 2, "bfloat16 (top half of binary32), round to nearest even; NaN kept, quieted"),
    bf16_quantize, bf16_dequantize};

} // namespace gmat::floats
