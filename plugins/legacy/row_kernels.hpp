// Whole-row quantize and dequantize kernels for one SIMD backend S, and the
// KernelSet that exposes them. Included by kernels_scalar.cpp and
// kernels_avx2.cpp only; internal linkage keeps the two copies apart.
#pragma once

#include "affine_block.hpp"
#include "kernel_set.hpp"
#include "symmetric_block.hpp"

namespace gmat::legacy {
namespace {

// ggml's imatrix weighting: w_j = importance_j * sqrt(sigma2 + x_j^2) with
// sigma2 the mean square of the row, so large values weigh more even where
// the importance vector is flat.
template <class S>
void importance_weights(const float *x, const float *importance, uint64_t n, float *w) {
    typename S::F acc = S::zero();
    for (uint64_t i = 0; i < n; i += 8) {
        const typename S::F v = S::load(x + i);
        acc = S::add(acc, S::mul(v, v));
    }
    const typename S::F sigma2 = S::set1(S::hsum(acc) / float(n));
    for (uint64_t i = 0; i < n; i += 8) {
        const typename S::F v = S::load(x + i);
        S::store(w + i, S::mul(S::load(importance + i), S::sqrt(S::add(sigma2, S::mul(v, v)))));
    }
}

template <class S, class Format, bool kWeighted>
GMAT_QUANT_INLINE void quantize_block(const float *x, const float *w, const SearchPlan &plan,
                                      typename Format::Block &out) {
    if constexpr (Format::shape == LevelShape::symmetric)
        quantize_symmetric_block<S, Format, kWeighted>(x, w, plan, out);
    else
        quantize_affine_block<S, Format, kWeighted>(x, w, plan, out);
}

template <class S, class Format>
void quantize_rows(const QuantizeJob &job) {
    const uint64_t blocks_per_row = job.n_cols / kBlockValues;
    auto *out = static_cast<typename Format::Block *>(job.dst);
    for (uint64_t r = 0; r < job.n_rows; ++r) {
        const float *x = job.src + r * job.n_cols;
        typename Format::Block *row_out = out + r * blocks_per_row;
        if (job.importance != nullptr) {
            importance_weights<S>(x, job.importance, job.n_cols, job.weights);
            for (uint64_t ib = 0; ib < blocks_per_row; ++ib)
                quantize_block<S, Format, true>(x + ib * kBlockValues, job.weights + ib * kBlockValues, *job.plan,
                                                row_out[ib]);
        } else {
            for (uint64_t ib = 0; ib < blocks_per_row; ++ib)
                quantize_block<S, Format, false>(x + ib * kBlockValues, nullptr, *job.plan, row_out[ib]);
        }
    }
}

// y = (code - offset) * d, or code * d + m: the same float operations as
// ggml's dequantize_row_*, so the results are bit-identical.
template <class S, class Format>
void dequantize_blocks(const void *src, uint64_t n_blocks, float *dst) {
    constexpr float offset = code_offset<Format>();
    const auto *blocks = static_cast<const typename Format::Block *>(src);
    for (uint64_t i = 0; i < n_blocks; ++i) {
        const typename Format::Block &block = blocks[i];
        uint8_t codes[kBlockValues];
        Format::unpack(block, codes);
        const typename S::F d = S::set1(quant::fp16_to_fp32(block.d));
        for (int v = 0; v < 4; ++v) {
            typename S::F y;
            if constexpr (Format::shape == LevelShape::affine) {
                y = S::add(S::mul(S::load_u8(codes + 8 * v), d), S::set1(quant::fp16_to_fp32(block.m)));
            } else if constexpr (Format::gguf_type == Q8_0::gguf_type) {
                y = S::mul(S::load_i8(codes + 8 * v), d);
            } else {
                y = S::mul(S::sub(S::load_u8(codes + 8 * v), S::set1(offset)), d);
            }
            S::store(dst + kBlockValues * i + 8 * v, y);
        }
    }
}

template <class S>
constexpr KernelSet make_kernel_set() {
    return KernelSet{
        {&quantize_rows<S, Q4_0>, &quantize_rows<S, Q4_1>, &quantize_rows<S, Q5_0>, &quantize_rows<S, Q5_1>,
         &quantize_rows<S, Q8_0>},
        {&dequantize_blocks<S, Q4_0>, &dequantize_blocks<S, Q4_1>, &dequantize_blocks<S, Q5_0>,
         &dequantize_blocks<S, Q5_1>, &dequantize_blocks<S, Q8_0>}};
}

} // namespace
} // namespace gmat::legacy
