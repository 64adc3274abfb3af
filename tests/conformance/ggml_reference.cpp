#include "ggml_reference.hpp"

#include <ggml.h>

#include <cstring>
#include <stdexcept>

namespace gmat::testing {

namespace {

ggml_type as_ggml(uint32_t gguf_type) {
    if (!ggml_knows(gguf_type)) throw std::invalid_argument("ggml has no type " + std::to_string(gguf_type));
    return static_cast<ggml_type>(gguf_type);
}

} // namespace

bool ggml_knows(uint32_t gguf_type) {
    if (gguf_type >= GGML_TYPE_COUNT) return false;
    const ggml_type_traits *traits = ggml_get_type_traits(static_cast<ggml_type>(gguf_type));
    return traits != nullptr && traits->type_name != nullptr && traits->blck_size > 0;
}

std::string ggml_type_name_of(uint32_t gguf_type) { return ggml_type_name(as_ggml(gguf_type)); }
uint64_t ggml_block_elements(uint32_t gguf_type) { return uint64_t(ggml_blck_size(as_ggml(gguf_type))); }
uint64_t ggml_block_bytes(uint32_t gguf_type) { return uint64_t(ggml_type_size(as_ggml(gguf_type))); }
bool ggml_requires_importance(uint32_t gguf_type) { return ggml_quantize_requires_imatrix(as_ggml(gguf_type)); }

std::vector<uint8_t> ggml_quantize(uint32_t gguf_type, const float *src, uint64_t rows, uint64_t cols,
                                   const float *importance) {
    const ggml_type type = as_ggml(gguf_type);
    ggml_quantize_init(type);
    std::vector<uint8_t> out(rows * ggml_row_size(type, int64_t(cols)));
    ggml_quantize_chunk(type, src, out.data(), 0, int64_t(rows), int64_t(cols), importance);
    return out;
}

std::vector<float> ggml_dequantize(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols) {
    const ggml_type type = as_ggml(gguf_type);
    std::vector<float> out(rows * cols);
    if (type == GGML_TYPE_F32) {
        std::memcpy(out.data(), src, out.size() * sizeof(float));
        return out;
    }
    const ggml_type_traits *traits = ggml_get_type_traits(type);
    if (traits->to_float == nullptr) throw std::invalid_argument(std::string("ggml cannot dequantize ") + traits->type_name);
    const size_t row_bytes = ggml_row_size(type, int64_t(cols));
    for (uint64_t r = 0; r < rows; ++r)
        traits->to_float(static_cast<const uint8_t *>(src) + r * row_bytes, out.data() + r * cols, int64_t(cols));
    return out;
}

int64_t ggml_first_invalid_row(uint32_t gguf_type, const void *src, uint64_t rows, uint64_t cols) {
    const ggml_type type = as_ggml(gguf_type);
    const size_t row_bytes = ggml_row_size(type, int64_t(cols));
    for (uint64_t r = 0; r < rows; ++r)
        if (!ggml_validate_row_data(type, static_cast<const uint8_t *>(src) + r * row_bytes, row_bytes))
            return int64_t(r);
    return -1;
}

} // namespace gmat::testing
