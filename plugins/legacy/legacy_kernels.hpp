// The legacy quant types as the plugin table and as callable kernels.
// Kernels run the AVX2 variant when gmat::quant::simd_level() allows it; the
// overloads taking a SimdLevel let tests and benchmarks pick the variant
// (a level the build or CPU lacks falls back to scalar).
#pragma once

#include "kernel_set.hpp"

#include <gmat/sdk.hpp>
#include <gmat_quant/cpu_features.hpp>

namespace gmat::legacy {

// In LegacyType order: q4_0, q4_1, q5_0, q5_1, q8_0.
extern const sdk::QuantKernel quant_kernels[kLegacyTypeCount];

void quantize_rows(LegacyType type, quant::SimdLevel level, const float *src, uint64_t n_rows, uint64_t n_cols,
                   const sdk::QuantParams &params, void *dst);
void dequantize_rows(LegacyType type, quant::SimdLevel level, const void *src, uint64_t n_rows, uint64_t n_cols,
                     float *dst);

} // namespace gmat::legacy
