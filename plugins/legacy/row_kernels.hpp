// Whole-row quantize and dequantize kernels for one SIMD backend S, and the
// KernelSet that exposes them. Included by kernels_scalar.cpp and
// kernels_avx2.cpp only; internal linkage keeps the two copies apart.
#pragma once

#include "affine_group.hpp"
#include "kernel_set.hpp"
#include "symmetric_group.hpp"

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

// Without an importance vector, each value's error weighs
// floor + x_j^2 / sigma2 (sigma2 the row's mean square; README.md says why).
// Returns 1 / sigma2, or 0 for a row whose mean square is zero, subnormal or
// huge (its weights are then all 1).
template <class S>
float value_weight_scale(const float *x, uint64_t n) {
    typename S::F acc = S::zero();
    for (uint64_t i = 0; i < n; i += 8) {
        const typename S::F v = S::load(x + i);
        acc = S::add(acc, S::mul(v, v));
    }
    const float sigma2 = S::hsum(acc) / float(n);
    return sigma2 >= 1.17549435e-38f && sigma2 <= 1e30f ? 1.0f / sigma2 : 0.0f;
}

// The group's weights from its values: computed in the lanes, no second
// pass over memory.
template <class S>
GMAT_QUANT_INLINE void value_weights(BlockGroup<S> &g, float floor, float inv_sigma2) {
    const typename S::F base = S::set1(inv_sigma2 > 0.0f ? floor : 1.0f), inv = S::set1(inv_sigma2);
    GMAT_QUANT_UNROLL
    for (int j = 0; j < kBlockValues; ++j) g.w[j] = S::add(base, S::mul(S::mul(g.x[j], g.x[j]), inv));
}

template <class S, class Format, bool kWeighted>
GMAT_QUANT_INLINE void quantize_group(const BlockGroup<S> &g, const SearchPlan &plan, typename Format::Block *out) {
    if constexpr (Format::shape == LevelShape::symmetric)
        quantize_symmetric_group<S, Format, kWeighted>(g, plan, out);
    else
        quantize_affine_group<S, Format, kWeighted>(g, plan, out);
}

// Each row in groups of eight blocks (the last group of a row may be shorter).
template <class S, class Format>
void quantize_rows(const QuantizeJob &job) {
    const uint64_t blocks_per_row = job.n_cols / kBlockValues;
    auto *out = static_cast<typename Format::Block *>(job.dst);
    BlockGroup<S> group;
    for (uint64_t r = 0; r < job.n_rows; ++r) {
        const float *x = job.src + r * job.n_cols;
        typename Format::Block *row_out = out + r * blocks_per_row;
        const bool by_importance = job.importance != nullptr;
        const bool by_value = !by_importance && job.value_weight_floor > 0.0f;
        const bool weighted = by_importance || by_value;
        if (by_importance) importance_weights<S>(x, job.importance, job.n_cols, job.weights);
        const float inv_sigma2 = by_value ? value_weight_scale<S>(x, job.n_cols) : 0.0f;
        for (uint64_t first = 0; first < blocks_per_row; first += kGroupBlocks) {
            const int count = int(blocks_per_row - first < kGroupBlocks ? blocks_per_row - first : kGroupBlocks);
            const uint64_t offset = first * kBlockValues;
            // The group after next is fetched while this one is searched:
            // the search is long enough to hide memory latency behind it.
            for (int line = 0; line < kGroupBlocks * kBlockValues * 4 / 64; ++line)
                __builtin_prefetch(x + offset + 2 * kGroupBlocks * kBlockValues + line * 16);
            load_group<S>(x + offset, by_importance ? job.weights + offset : nullptr, count, group);
            if (by_value) value_weights<S>(group, job.value_weight_floor, inv_sigma2);
            if (weighted)
                quantize_group<S, Format, true>(group, *job.plan, row_out + first);
            else
                quantize_group<S, Format, false>(group, *job.plan, row_out + first);
        }
    }
}

// Level codes of one block as 4 vectors of 8 floats.
template <class S, class Format>
GMAT_QUANT_INLINE void block_codes(const typename Format::Block &block, typename S::F (&codes)[4]) {
    if constexpr (Format::gguf_type == Q8_0::gguf_type) {
        GMAT_QUANT_UNROLL
        for (int v = 0; v < 4; ++v) codes[v] = S::load_i8(reinterpret_cast<const uint8_t *>(block.qs) + 8 * v);
    } else {
        S::load_nibbles32(block.qs, codes);
        if constexpr (Format::hi - Format::lo > 15) { // q5: bit j of qh is bit 4 of code j
            uint32_t fifth_bits;
            std::memcpy(&fifth_bits, block.qh, 4);
            GMAT_QUANT_UNROLL
            for (int v = 0; v < 4; ++v)
                codes[v] = S::add(codes[v], S::select(S::bit_lanes((fifth_bits >> (8 * v)) & 0xffu), S::set1(16.0f),
                                                      S::zero()));
        }
    }
}

// y = (code - offset) * d, or code * d + m: the same float operations as
// ggml's dequantize_row_*, so the results are bit-identical (an fp16 NaN
// scale is quieted either way by the multiplication).
template <class S, class Format>
void dequantize_blocks(const void *src, uint64_t n_blocks, float *dst) {
    constexpr float offset = code_offset<Format>();
    const auto *blocks = static_cast<const typename Format::Block *>(src);
    for (uint64_t i = 0; i < n_blocks; ++i) {
        const typename Format::Block &block = blocks[i];
        typename S::F codes[4];
        block_codes<S, Format>(block, codes);
        const typename S::F d = S::set1(S::from_fp16(block.d));
        GMAT_QUANT_UNROLL
        for (int v = 0; v < 4; ++v) {
            typename S::F y;
            if constexpr (Format::shape == LevelShape::affine)
                y = S::add(S::mul(codes[v], d), S::set1(S::from_fp16(block.m)));
            else if constexpr (offset == 0.0f)
                y = S::mul(codes[v], d);
            else
                y = S::mul(S::sub(codes[v], S::set1(offset)), d);
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
