// The i-quants kernels as a library: what the plugin table calls, and what
// tests and benchmarks call to pick a SIMD path explicitly.
#pragma once

#include "iq4_formats.hpp"

#include <gmat/sdk.hpp>
#include <gmat_quant/cpu_features.hpp>

#include <cstdint>

namespace gmat::iquants {

// Quantizes n_rows rows of n_cols values (n_cols a multiple of the type's
// block) with the kernels of `level` (avx2 falls back to scalar on a CPU
// without it). Throws sdk::Error naming the type and the bad argument.
// Re-entrant: no state outside the call.
void quantize_rows(Iq4Type type, quant::SimdLevel level, const float *src, uint64_t n_rows, uint64_t n_cols,
                   const sdk::QuantParams &params, void *dst);

void dequantize_rows(Iq4Type type, const void *src, uint64_t n_rows, uint64_t n_cols, float *dst);

// The ISA name ("scalar", "avx2") of the kernels quantize_rows runs for `level`.
const char *kernel_isa(quant::SimdLevel level);

inline constexpr uint32_t kIq4TypeCount = 2;
// The plugin's table: iq4_nl, iq4_xs, quantizing with quant::simd_level().
extern const sdk::QuantKernel kIq4Kernels[kIq4TypeCount];

} // namespace gmat::iquants
