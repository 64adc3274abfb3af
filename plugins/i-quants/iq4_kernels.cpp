#include "iq4_kernels.hpp"

#include "iq4_packing.hpp"
#include "kernels/kernel_set.hpp"
#include "search_recipe.hpp"

#include <cmath>
#include <string>

namespace gmat::iquants {

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

[[noreturn]] void reject(Iq4Type type, const std::string &what) {
    throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(format_of(type).name) + ": " + what);
}

void check_shape(Iq4Type type, uint64_t n_cols) {
    const uint32_t block = format_of(type).block_elements;
    if (n_cols == 0 || n_cols % block != 0)
        reject(type, "row length " + std::to_string(n_cols) + " is not a multiple of " + std::to_string(block));
}

void check_params(Iq4Type type, const sdk::QuantParams &params, uint64_t n_cols) {
    if (params.strategy != GMAT_SCALE_STANDARD && params.strategy != GMAT_SCALE_TRELLIS)
        reject(type, "unknown scale strategy " + std::to_string(int(params.strategy)) +
                         " (expected 0 = standard or 1 = trellis)");
    if (params.strategy == GMAT_SCALE_TRELLIS &&
        !(params.trellis_lambda >= 0.0f && std::isfinite(params.trellis_lambda)))
        reject(type, "trellis_lambda must be a finite number >= 0, got " + std::to_string(params.trellis_lambda));
    if (params.importance == nullptr) return;
    for (uint64_t c = 0; c < n_cols; ++c) {
        const float w = params.importance[c];
        if (!(w >= 0.0f && std::isfinite(w)))
            reject(type, "importance vector column " + std::to_string(c) + " is " + std::to_string(w) +
                             "; expected a finite weight >= 0");
    }
}

} // namespace

void quantize_rows(Iq4Type type, quant::SimdLevel level, const float *src, uint64_t n_rows, uint64_t n_cols,
                   const sdk::QuantParams &params, void *dst) {
    check_shape(type, n_cols);
    check_params(type, params, n_cols);
    const SearchRecipe recipe = make_search_recipe(type, params.strategy, params.trellis_lambda, params.importance != nullptr);
    const QuantizeJob job{src, n_rows, n_cols, params.importance, &recipe, dst};
    const KernelSet &kernels = kernels_for(level);
    if (type == Iq4Type::nl) kernels.quantize_nl(job);
    else kernels.quantize_xs(job);
}

void dequantize_rows(Iq4Type type, const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    check_shape(type, n_cols);
    if (type == Iq4Type::nl) dequantize_nl_blocks(src, n_rows * (n_cols / kBlockValues), dst);
    else dequantize_xs_blocks(src, n_rows * (n_cols / kSuperBlockValues), dst);
}

const char *kernel_isa(quant::SimdLevel level) { return kernels_for(level).isa; }

namespace {

template <Iq4Type T>
void quantize_entry(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst) {
    quantize_rows(T, quant::simd_level(), src, n_rows, n_cols, params, dst);
}

template <Iq4Type T>
void dequantize_entry(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    dequantize_rows(T, src, n_rows, n_cols, dst);
}

template <Iq4Type T>
constexpr sdk::QuantKernel kernel_entry(const char *description) {
    constexpr Iq4Format f = format_of(T);
    return {{sizeof(gmat_quant_type_desc), f.name, f.gguf_type, f.block_elements, f.block_bytes,
             GMAT_QUANT_USES_IMPORTANCE, description},
            &quantize_entry<T>,
            &dequantize_entry<T>};
}

} // namespace

const sdk::QuantKernel kIq4Kernels[kIq4TypeCount] = {
    kernel_entry<Iq4Type::nl>("4-bit non-linear levels, 32 values per block, fp16 scale (4.5 bits/weight)"),
    kernel_entry<Iq4Type::xs>("4-bit non-linear levels, 256-value super-blocks, fp16 scale and 6-bit "
                              "sub-block scales (4.25 bits/weight)"),
};

} // namespace gmat::iquants
