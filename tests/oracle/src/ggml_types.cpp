#include "oracle/ggml_types.hpp"

#include <ggml.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace oracle {

namespace {

// Removed ids (Q4_2, Q4_0_4_4, ...) keep a traits slot with block size 0; ggml
// divides by it, so they are rejected here with the others out of range.
ggml_type checked_type(uint32_t type) {
    if (type >= GGML_TYPE_COUNT || ggml_blck_size(static_cast<ggml_type>(type)) == 0)
        throw std::invalid_argument("ggml type " + std::to_string(type) + " is not a type this ggml supports");
    return static_cast<ggml_type>(type);
}

// The types ggml_quantize_chunk has an encoder for (its switch); any other type
// reaches an assert inside ggml.
bool has_chunk_quantizer(ggml_type type) {
    static constexpr std::array supported = {
        GGML_TYPE_F32,   GGML_TYPE_F16,     GGML_TYPE_BF16,   GGML_TYPE_Q1_0,    GGML_TYPE_Q2_0,  GGML_TYPE_Q4_0,
        GGML_TYPE_Q4_1,  GGML_TYPE_Q5_0,    GGML_TYPE_Q5_1,   GGML_TYPE_Q8_0,    GGML_TYPE_MXFP4, GGML_TYPE_NVFP4,
        GGML_TYPE_Q2_K,  GGML_TYPE_Q3_K,    GGML_TYPE_Q4_K,   GGML_TYPE_Q5_K,    GGML_TYPE_Q6_K,  GGML_TYPE_TQ1_0,
        GGML_TYPE_TQ2_0, GGML_TYPE_IQ2_XXS, GGML_TYPE_IQ2_XS, GGML_TYPE_IQ3_XXS, GGML_TYPE_IQ3_S, GGML_TYPE_IQ2_S,
        GGML_TYPE_IQ1_S, GGML_TYPE_IQ1_M,   GGML_TYPE_IQ4_NL, GGML_TYPE_IQ4_XS,
    };
    return std::find(supported.begin(), supported.end(), type) != supported.end();
}

void require_whole_blocks(ggml_type type, int64_t n_values, const char *what) {
    const int64_t block = ggml_blck_size(type);
    if (n_values < 0 || n_values % block != 0)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(n_values) + " values of " +
                                    ggml_type_name(type) + " is not a whole number of " + std::to_string(block) +
                                    "-element blocks");
}

} // namespace

std::string type_name(uint32_t ggml_type) { return ggml_type_name(checked_type(ggml_type)); }

int64_t block_size(uint32_t ggml_type) { return ggml_blck_size(checked_type(ggml_type)); }

size_t row_size(uint32_t ggml_type, int64_t n_cols) {
    const auto type = checked_type(ggml_type);
    require_whole_blocks(type, n_cols, "row_size");
    return ggml_row_size(type, n_cols);
}

std::vector<float> dequantize(uint32_t ggml_type, const void *data, int64_t n_values) {
    const auto type = checked_type(ggml_type);
    require_whole_blocks(type, n_values, "dequantize");
    const ggml_type_traits *traits = ggml_get_type_traits(type);
    if (traits->to_float == nullptr)
        throw std::invalid_argument(std::string("dequantize: ggml has no to_float for ") + ggml_type_name(type));
    std::vector<float> out(static_cast<size_t>(n_values));
    if (n_values > 0)
        traits->to_float(data, out.data(), n_values);
    return out;
}

namespace {
ggml_type checked_quantize_args(uint32_t ggml_type, int64_t n_rows, int64_t n_cols, const float *imatrix) {
    const auto type = checked_type(ggml_type);
    if (!has_chunk_quantizer(type))
        throw std::invalid_argument(std::string("quantize: ggml_quantize_chunk cannot encode ") + ggml_type_name(type));
    if (n_rows < 0 || n_cols <= 0)
        throw std::invalid_argument("quantize: bad shape " + std::to_string(n_rows) + " x " + std::to_string(n_cols));
    require_whole_blocks(type, n_cols, "quantize (row length)");
    if (imatrix == nullptr && ggml_quantize_requires_imatrix(type))
        throw std::invalid_argument(std::string("quantize: ") + ggml_type_name(type) + " needs an importance matrix");
    return type;
}
} // namespace

std::vector<uint8_t> quantize(uint32_t ggml_type, const float *src, int64_t n_rows, int64_t n_cols,
                              const float *imatrix) {
    const auto type = checked_quantize_args(ggml_type, n_rows, n_cols, imatrix);
    std::vector<uint8_t> out(static_cast<size_t>(n_rows) * ggml_row_size(type, n_cols));
    if (n_rows > 0)
        ggml_quantize_chunk(type, src, out.data(), 0, n_rows, n_cols, imatrix);
    return out;
}

void quantize_into(uint32_t ggml_type, const float *src, int64_t n_rows, int64_t n_cols, const float *imatrix,
                   void *dst) {
    const auto type = checked_quantize_args(ggml_type, n_rows, n_cols, imatrix);
    if (n_rows > 0)
        ggml_quantize_chunk(type, src, dst, 0, n_rows, n_cols, imatrix);
}

bool validate_row_data(uint32_t ggml_type, const void *data, size_t n_bytes) {
    return ggml_validate_row_data(checked_type(ggml_type), data, n_bytes);
}

} // namespace oracle
