// The k-quants plugin: ggml's K-quant super-block types q2_k..q6_k.
#include "block_packing.hpp"
#include "cpu_dispatch.hpp"

#include <gmat/sdk.hpp>

#include <cmath>
#include <string>

namespace gmat::kquants {
namespace {

using RowFn = void (*)(const float *, uint64_t, const SearchOptions &, void *);
using RowKernelField = RowFn RowKernels::*;

// Turns the host's parameters into search options, rejecting what the search cannot honour.
SearchOptions search_options(const char *type_name, const sdk::QuantParams &params, uint64_t n_cols) {
    const float *importance = params.importance;
    SearchOptions options;
    if (params.strategy == GMAT_SCALE_TRELLIS) {
        options.trellis = true;
    } else if (params.strategy != GMAT_SCALE_STANDARD) {
        throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(type_name) + ": unknown scale strategy " +
                                                          std::to_string(unsigned(params.strategy)) +
                                                          " (expected 0 = standard or 1 = trellis)");
    }
    if (!(params.trellis_lambda >= 0.0f) || !std::isfinite(params.trellis_lambda))
        throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(type_name) + ": trellis_lambda must be finite and >= 0, got " +
                                                          std::to_string(params.trellis_lambda));
    options.lambda = params.trellis_lambda;
    if (importance != nullptr) {
        for (uint64_t c = 0; c < n_cols; ++c) {
            if (!(importance[c] >= 0.0f) || !std::isfinite(importance[c]))
                throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(type_name) + ": importance of column " +
                                                                  std::to_string(c) + " is " + std::to_string(importance[c]) +
                                                                  "; expected a finite value >= 0");
        }
    }
    options.importance = importance;
    return options;
}

template <RowKernelField Field, class Block>
void quantize(const char *type_name, const float *src, uint64_t n_rows, uint64_t n_cols,
              const sdk::QuantParams &params, void *dst) {
    const SearchOptions options = search_options(type_name, params, n_cols);
    const RowFn row = active_row_kernels().*Field;
    const uint64_t blocks_per_row = n_cols / kSuperBlock;
    auto *out = static_cast<unsigned char *>(dst);
    for (uint64_t r = 0; r < n_rows; ++r)
        row(src + r * n_cols, blocks_per_row, options, out + r * blocks_per_row * sizeof(Block));
}

template <class Block, void (*Dequantize)(const Block &, float *)>
void dequantize(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    const auto *in = static_cast<const unsigned char *>(src);
    const uint64_t n_blocks = n_rows * (n_cols / kSuperBlock);
    for (uint64_t b = 0; b < n_blocks; ++b) {
        Block block; // copied out: the caller's buffer need not be aligned
        std::memcpy(&block, in + b * sizeof(Block), sizeof(Block));
        Dequantize(block, dst + b * kSuperBlock);
    }
}

constexpr uint32_t kFlags = GMAT_QUANT_USES_IMPORTANCE;

#define GMAT_KQ_TYPE(name, gguf_id, Block, description)                                                        \
    sdk::QuantKernel {                                                                                         \
        {sizeof(gmat_quant_type_desc), #name, gguf_id, kSuperBlock, sizeof(Block), kFlags, description},       \
            [](const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) { \
                quantize<&RowKernels::name, Block>(#name, src, n_rows, n_cols, params, dst);                   \
            },                                                                                                 \
            &dequantize<Block, &dequantize_##name>                                                              \
    }

struct KQuantKernels {
    static constexpr uint32_t count = 5;
    static const sdk::QuantKernel table[count];
};

const sdk::QuantKernel KQuantKernels::table[KQuantKernels::count] = {
    GMAT_KQ_TYPE(q2_k, 10, Q2KBlock, "2-bit K-quant: 16x16 sub-blocks, 4-bit scales and mins (2.625 bpw)"),
    GMAT_KQ_TYPE(q3_k, 11, Q3KBlock, "3-bit K-quant: 16x16 sub-blocks, 6-bit signed scales (3.4375 bpw)"),
    GMAT_KQ_TYPE(q4_k, 12, Q4KBlock, "4-bit K-quant: 8x32 sub-blocks, 6-bit scales and mins (4.5 bpw)"),
    GMAT_KQ_TYPE(q5_k, 13, Q5KBlock, "5-bit K-quant: 8x32 sub-blocks, 6-bit scales and mins (5.5 bpw)"),
    GMAT_KQ_TYPE(q6_k, 14, Q6KBlock, "6-bit K-quant: 16x16 sub-blocks, 8-bit signed scales (6.5625 bpw)"),
};

#undef GMAT_KQ_TYPE

} // namespace
} // namespace gmat::kquants

GMAT_QUANT_PLUGIN("k-quants", "1.0.0", "ggml K-quant super-block types q2_k, q3_k, q4_k, q5_k, q6_k",
                  gmat::kquants::KQuantKernels, nullptr)
