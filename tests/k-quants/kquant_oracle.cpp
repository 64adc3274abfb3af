#include "kquant_oracle.hpp"

#include <ggml.h>

namespace gmat::kquants::testing {

uint64_t ggml_row_bytes(uint32_t gguf_type, uint64_t cols) { return ggml_row_size(ggml_type(gguf_type), int64_t(cols)); }

std::vector<uint8_t> ggml_quantize(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols,
                                   const float *importance) {
    std::vector<uint8_t> out(rows * ggml_row_bytes(gguf_type, cols));
    ggml_quantize_into(gguf_type, src, rows, cols, importance, out.data());
    return out;
}

void ggml_quantize_into(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols, const float *importance,
                        void *dst) {
    ggml_quantize_chunk(ggml_type(gguf_type), src, dst, 0, int64_t(rows), int64_t(cols), importance);
}

std::vector<float> ggml_dequantize(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols) {
    std::vector<float> out(rows * cols);
    ggml_get_type_traits(ggml_type(gguf_type))->to_float(src, out.data(), int64_t(rows * cols));
    return out;
}

int64_t ggml_first_invalid_row(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols) {
    const uint64_t row_bytes = ggml_row_bytes(gguf_type, cols);
    for (uint64_t r = 0; r < rows; ++r)
        if (!ggml_validate_row_data(ggml_type(gguf_type), static_cast<const uint8_t *>(src) + r * row_bytes, row_bytes))
            return int64_t(r);
    return -1;
}

} // namespace gmat::kquants::testing
