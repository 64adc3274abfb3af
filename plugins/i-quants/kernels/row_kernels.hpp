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

// What the error weights come from: an importance vector, or (importance
// null) the values, floor + x^2 / sigma2 with the row's mean square sigma2.
struct WeightSource {
    const float *importance;
    float floor;
    float row_sigma2;
};

template <class S, bool kWeighted>
void load_group(const float *x, const WeightSource &weights, Normalisation normalisation, LaneGroup<S> &g) {
    load_values<S>(x, normalisation, g);
    if constexpr (kWeighted) {
        if (weights.importance != nullptr) load_weights<S>(weights.importance, normalisation, g);
        else load_value_weights<S>(weights.floor, weights.row_sigma2, g);
    }
}

// Mean of x^2 over a row (n a multiple of 8), summed in a fixed order.
template <class S>
float row_mean_square(const float *x, uint64_t n) {
    typename S::F acc = S::zero();
    for (uint64_t i = 0; i < n; i += 8) {
        const typename S::F v = S::load(x + i);
        acc = S::add(acc, S::mul(v, v));
    }
    return S::hsum(acc) / float(n);
}

template <class S>
WeightSource row_weights(const QuantizeJob &job, const float *row) {
    if (job.importance != nullptr || job.recipe->value_weight_floor <= 0.0f) return {job.importance, 0.0f, 0.0f};
    return {nullptr, job.recipe->value_weight_floor, row_mean_square<S>(row, job.n_cols)};
}

// The 1..8 blocks starting at `first`, zero-padded to a full lane group
// (padding lanes are quantized and dropped).
template <class S, bool kWeighted, bool kTrellis>
void quantize_nl_group(const float *x, WeightSource weights, uint64_t count, const SearchRecipe &recipe,
                       unsigned char *out) {
    alignas(32) float padded_x[kGroupValues], padded_w[kGroupValues];
    if (count < 8) {
        std::fill(std::begin(padded_x), std::end(padded_x), 0.0f);
        std::copy(x, x + count * kBlockValues, padded_x);
        x = padded_x;
        if (kWeighted && weights.importance != nullptr) {
            std::fill(std::begin(padded_w), std::end(padded_w), 0.0f);
            std::copy(weights.importance, weights.importance + count * kBlockValues, padded_w);
            weights.importance = padded_w;
        }
    }
    LaneGroup<S> g;
    load_group<S, kWeighted>(x, weights, Normalisation::per_lane, g);
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
        WeightSource weights = row_weights<S>(job, x);
        for (uint64_t first = 0; first < blocks; first += 8) {
            const uint64_t count = std::min<uint64_t>(8, blocks - first);
            quantize_nl_group<S, kWeighted, kTrellis>(x + first * kBlockValues, weights, count, *job.recipe,
                                                      row_out + first * sizeof(Iq4NlBlock));
            if (weights.importance != nullptr) weights.importance += 8 * kBlockValues;
        }
    }
}

template <class S, bool kWeighted, bool kTrellis>
void quantize_xs_rows(const QuantizeJob &job) {
    const uint64_t blocks = job.n_cols / kSuperBlockValues;
    auto *out = static_cast<unsigned char *>(job.dst);
    for (uint64_t r = 0; r < job.n_rows; ++r) {
        const WeightSource row = row_weights<S>(job, job.src + r * job.n_cols);
        for (uint64_t b = 0; b < blocks; ++b) {
            const uint64_t column = b * kSuperBlockValues;
            WeightSource weights = row;
            if (weights.importance != nullptr) weights.importance += column;
            LaneGroup<S> g;
            load_group<S, kWeighted>(job.src + r * job.n_cols + column, weights, Normalisation::shared, g);
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
    const bool weighted = job.importance != nullptr || job.recipe->value_weight_floor > 0.0f;
    const bool trellis = job.recipe->trellis.enabled;
    if (weighted && trellis) quantize_nl_rows<S, true, true>(job);
    else if (weighted) quantize_nl_rows<S, true, false>(job);
    else if (trellis) quantize_nl_rows<S, false, true>(job);
    else quantize_nl_rows<S, false, false>(job);
}

template <class S>
void quantize_xs(const QuantizeJob &job) {
    const bool weighted = job.importance != nullptr || job.recipe->value_weight_floor > 0.0f;
    const bool trellis = job.recipe->trellis.enabled;
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
