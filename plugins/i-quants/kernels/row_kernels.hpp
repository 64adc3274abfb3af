// Whole-row quantizers for one SIMD backend S and the KernelSet exposing
// them. Included by kernels_scalar.cpp and kernels_avx2.cpp only; internal
// linkage keeps the two copies apart.
#pragma once

#include "../iq4_packing.hpp"
#include "../search/nl_search.hpp"
#include "../search/xs_search.hpp"
#include "kernel_set.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace gmat::iquants {
namespace {

constexpr int kGroupValues = 8 * kBlockValues; // one lane group: 8 iq4_nl blocks or one iq4_xs super-block

template <class S, bool kWeighted>
void load_group(const float *x, const float *importance, Normalisation normalisation, LaneGroup<S> &g) {
    load_values<S>(x, normalisation, g);
    if constexpr (kWeighted) load_weights<S>(importance, normalisation, g);
}

// The 1..8 blocks starting at `first`, zero-padded to a full lane group
// (padding lanes are quantized and dropped).
template <class S, bool kWeighted, bool kTrellis>
void quantize_nl_group(const float *x, const float *importance, uint64_t count, const SearchRecipe &recipe,
                       unsigned char *out) {
    alignas(32) float padded_x[kGroupValues], padded_w[kGroupValues];
    if (count < 8) {
        std::fill(std::begin(padded_x), std::end(padded_x), 0.0f);
        std::copy(x, x + count * kBlockValues, padded_x);
        x = padded_x;
        if (kWeighted) {
            std::fill(std::begin(padded_w), std::end(padded_w), 0.0f);
            std::copy(importance, importance + count * kBlockValues, padded_w);
            importance = padded_w;
        }
    }
    LaneGroup<S> g;
    load_group<S, kWeighted>(x, importance, Normalisation::per_lane, g);
    NlGroupResult result;
    search_nl_group<S, kWeighted, kTrellis>(g, recipe, result);
    for (uint64_t j = 0; j < count; ++j) {
        Iq4NlBlock block;
        pack_nl_block(result.d_bits[j], result.indices[j], block);
        std::memcpy(out + j * sizeof block, &block, sizeof block);
    }
}

template <class S, bool kWeighted, bool kTrellis>
void quantize_nl_rows(const QuantizeJob &job) {
    const uint64_t blocks = job.n_cols / kBlockValues;
    auto *out = static_cast<unsigned char *>(job.dst);
    for (uint64_t r = 0; r < job.n_rows; ++r) {
        const float *x = job.src + r * job.n_cols;
        unsigned char *row_out = out + r * blocks * sizeof(Iq4NlBlock);
        for (uint64_t first = 0; first < blocks; first += 8) {
            const float *importance = kWeighted ? job.importance + first * kBlockValues : nullptr;
            const uint64_t count = std::min<uint64_t>(8, blocks - first);
            quantize_nl_group<S, kWeighted, kTrellis>(x + first * kBlockValues, importance, count, *job.recipe,
                                                      row_out + first * sizeof(Iq4NlBlock));
        }
    }
}

template <class S, bool kWeighted, bool kTrellis>
void quantize_xs_rows(const QuantizeJob &job) {
    const uint64_t blocks = job.n_cols / kSuperBlockValues;
    auto *out = static_cast<unsigned char *>(job.dst);
    for (uint64_t r = 0; r < job.n_rows; ++r) {
        for (uint64_t b = 0; b < blocks; ++b) {
            const uint64_t column = b * kSuperBlockValues;
            LaneGroup<S> g;
            load_group<S, kWeighted>(job.src + r * job.n_cols + column, kWeighted ? job.importance + column : nullptr,
                                     Normalisation::shared, g);
            XsResult result;
            search_xs_superblock<S, kWeighted, kTrellis>(g, *job.recipe, result);
            Iq4XsBlock block;
            pack_xs_block(result.d_bits, result.codes, &result.indices[0][0], block);
            std::memcpy(out + (r * blocks + b) * sizeof block, &block, sizeof block);
        }
    }
}

// The standard strategy runs without the DC term (lambda = 0), the trellis one with it.
template <class S>
void quantize_nl(const QuantizeJob &job) {
    const bool weighted = job.importance != nullptr, trellis = job.recipe->trellis.enabled;
    if (weighted && trellis) quantize_nl_rows<S, true, true>(job);
    else if (weighted) quantize_nl_rows<S, true, false>(job);
    else if (trellis) quantize_nl_rows<S, false, true>(job);
    else quantize_nl_rows<S, false, false>(job);
}

template <class S>
void quantize_xs(const QuantizeJob &job) {
    const bool weighted = job.importance != nullptr, trellis = job.recipe->trellis.enabled;
    if (weighted && trellis) quantize_xs_rows<S, true, true>(job);
    else if (weighted) quantize_xs_rows<S, true, false>(job);
    else if (trellis) quantize_xs_rows<S, false, true>(job);
    else quantize_xs_rows<S, false, false>(job);
}

template <class S>
constexpr KernelSet make_kernel_set() {
    return KernelSet{S::name, &quantize_nl<S>, &quantize_xs<S>};
}

} // namespace
} // namespace gmat::iquants
