#include "legacy_kernels.hpp"

#include "block_formats.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace gmat::legacy {

namespace {

const KernelSet &kernels_for(quant::SimdLevel level) {
#if defined(GMAT_QUANT_HAVE_AVX2)
    if (level == quant::SimdLevel::avx2 && quant::supported_simd_level() == quant::SimdLevel::avx2)
        return avx2::kernels;
#else
    (void)level;
#endif
    return scalar::kernels;
}

struct TypeInfo {
    const char *name;
    LevelShape shape;
    float lo, hi;
    // Without an importance vector the error of x_j weighs floor + x_j^2 / sigma2
    // (sigma2 the row's mean square). Chosen per type on the fidelity harness
    // (README.md, "Default weighting"): 3 for q4_1, q5_1 and q8_0 (as the K
    // searches), 10 for q4_0 and q5_0, whose KL on stories15M rose above
    // llama.cpp's with 3 (q4_0 1.04x, q5_0 1.01x) and is 0.96x and 0.97x with 10.
    float value_weight_floor;
};

template <class Format>
constexpr TypeInfo info_of(float value_weight_floor) {
    return {Format::name, Format::shape, Format::lo, Format::hi, value_weight_floor};
}

constexpr TypeInfo kTypeInfo[kLegacyTypeCount] = {info_of<Q4_0>(10.0f), info_of<Q4_1>(3.0f), info_of<Q5_0>(10.0f),
                                                  info_of<Q5_1>(3.0f), info_of<Q8_0>(3.0f)};

[[noreturn]] void reject(const TypeInfo &t, const std::string &what) {
    throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(t.name) + ": " + what);
}

void check_params(const TypeInfo &t, const sdk::QuantParams &params, uint64_t n_cols) {
    if (params.strategy != GMAT_SCALE_STANDARD && params.strategy != GMAT_SCALE_TRELLIS)
        reject(t, "unknown scale strategy " + std::to_string(int(params.strategy)) +
                      " (expected 0 = standard or 1 = trellis)");
    if (params.strategy == GMAT_SCALE_TRELLIS && !(params.trellis_lambda >= 0.0f && std::isfinite(params.trellis_lambda)))
        reject(t, "trellis_lambda must be a finite number >= 0, got " + std::to_string(params.trellis_lambda));
    if (params.importance == nullptr) return;
    for (uint64_t c = 0; c < n_cols; ++c) {
        const float w = params.importance[c];
        if (!(w >= 0.0f && std::isfinite(w)))
            reject(t, "importance vector column " + std::to_string(c) + " is " + std::to_string(w) +
                          "; expected a finite weight >= 0");
    }
}

} // namespace

void quantize_rows(LegacyType type, quant::SimdLevel level, const float *src, uint64_t n_rows, uint64_t n_cols,
                   const sdk::QuantParams &params, void *dst) {
    const TypeInfo &t = kTypeInfo[type];
    if (n_cols == 0 || n_cols % kBlockValues != 0)
        reject(t, "row length " + std::to_string(n_cols) + " is not a multiple of 32");
    check_params(t, params, n_cols);
    const bool weighted = params.importance != nullptr;
    const SearchPlan plan = make_search_plan(t.shape, t.lo, t.hi, params.strategy, params.trellis_lambda, weighted);
    const float floor = weighted ? 0.0f : t.value_weight_floor;
    std::vector<float> weights(weighted ? n_cols : 0);
    const QuantizeJob job{src, n_rows, n_cols, params.importance, weights.data(), floor, &plan, dst};
    kernels_for(level).quantize[type](job);
}

void dequantize_rows(LegacyType type, quant::SimdLevel level, const void *src, uint64_t n_rows, uint64_t n_cols,
                     float *dst) {
    if (n_cols == 0 || n_cols % kBlockValues != 0)
        reject(kTypeInfo[type], "row length " + std::to_string(n_cols) + " is not a multiple of 32");
    kernels_for(level).dequantize[type](src, n_rows * (n_cols / kBlockValues), dst);
}

namespace {

template <LegacyType T>
void quantize_entry(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    quantize_rows(T, quant::simd_level(), src, n_rows, n_cols, params, dst);
}

template <LegacyType T>
void dequantize_entry(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    dequantize_rows(T, quant::simd_level(), src, n_rows, n_cols, dst);
}

template <class Format, LegacyType T>
constexpr sdk::QuantKernel kernel_entry(const char *description) {
    return {{sizeof(gmat_quant_type_desc), Format::name, Format::gguf_type, kBlockValues,
             uint32_t(sizeof(typename Format::Block)), GMAT_QUANT_USES_IMPORTANCE, description},
            &quantize_entry<T>,
            &dequantize_entry<T>};
}

} // namespace

const sdk::QuantKernel quant_kernels[kLegacyTypeCount] = {
    kernel_entry<Q4_0, kQ4_0>("4-bit, 32 values per block, fp16 scale (4.5 bits/weight)"),
    kernel_entry<Q4_1, kQ4_1>("4-bit, 32 values per block, fp16 scale and offset (5 bits/weight)"),
    kernel_entry<Q5_0, kQ5_0>("5-bit, 32 values per block, fp16 scale (5.5 bits/weight)"),
    kernel_entry<Q5_1, kQ5_1>("5-bit, 32 values per block, fp16 scale and offset (6 bits/weight)"),
    kernel_entry<Q8_0, kQ8_0>("8-bit, 32 values per block, fp16 scale (8.5 bits/weight)"),
};

} // namespace gmat::legacy
