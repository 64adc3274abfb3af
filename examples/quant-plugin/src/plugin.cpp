// The plugin: two quantization types described as data, each with a row
// quantizer and dequantizer, registered through gmat::sdk::QuantKernel and
// GMAT_QUANT_PLUGIN. The SDK's adapter checks row lengths, rejects NaN and
// infinity with a message naming the row, and turns exceptions into status
// codes, so the kernels below only see valid, whole blocks.
#include "ternary_types.hpp"

#include <gmat/sdk.hpp>

namespace ternary {

namespace {

// n_cols is a multiple of 256, so the rows' blocks are one contiguous run.
template <class Type>
void quantize_rows(const float *src, uint64_t n_rows, uint64_t n_cols, const gmat::sdk::QuantParams &params,
                   void *dst) {
    const uint64_t blocks = n_rows * (n_cols / kBlockValues);
    auto *out = static_cast<uint8_t *>(dst);
    for (uint64_t b = 0; b < blocks; ++b)
        Type::pack(quantize_block(src + b * kBlockValues, params.strategy), out + b * Type::kBlockBytes);
}

template <class Type> void dequantize_rows(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const uint64_t blocks = n_rows * (n_cols / kBlockValues);
    const auto *in = static_cast<const uint8_t *>(src);
    for (uint64_t b = 0; b < blocks; ++b) Type::unpack(in + b * Type::kBlockBytes, dst + b * kBlockValues);
}

template <class Type> constexpr gmat::sdk::QuantKernel kernel(const char *name, const char *description) {
    return {{sizeof(gmat_quant_type_desc), name, Type::kGgufType, kBlockValues, uint32_t(Type::kBlockBytes),
             /*flags=*/0, description},
            &quantize_rows<Type>,
            &dequantize_rows<Type>};
}

struct TernaryKernels {
    static constexpr uint32_t count = 2;
    static const gmat::sdk::QuantKernel table[count];
};

const gmat::sdk::QuantKernel TernaryKernels::table[TernaryKernels::count] = {
    kernel<Tq1_0>("tq1_0", "ternary weights (-1, 0, +1) times a half scale per 256 values, five to a byte"),
    kernel<Tq2_0>("tq2_0", "ternary weights (-1, 0, +1) times a half scale per 256 values, two bits each"),
};

} // namespace

} // namespace ternary

// The one exported symbol. "ternary" must be the library's file stem, which
// gmat_add_plugin(ternary ...) guarantees. No score function: one portable build.
GMAT_QUANT_PLUGIN("ternary", "1.0.0", "Ternary types of BitNet b1.58 and TriLM models: tq1_0, tq2_0",
                  ternary::TernaryKernels, nullptr)
