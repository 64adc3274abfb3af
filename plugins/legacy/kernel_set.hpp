// The interface between the dispatcher and the kernels compiled once per
// SIMD backend (kernels_scalar.cpp, kernels_avx2.cpp): plain data and
// function pointers, nothing that could pull shared inline code into the
// AVX2 translation unit.
#pragma once

#include "search_plan.hpp"

#include <cstdint>

namespace gmat::legacy {

enum LegacyType { kQ4_0, kQ4_1, kQ5_0, kQ5_1, kQ8_0, kLegacyTypeCount };

struct QuantizeJob {
    const float *src;       // n_rows * n_cols values, finite
    uint64_t n_rows;
    uint64_t n_cols;        // a multiple of 32
    const float *importance; // n_cols weights, or nullptr
    float *weights;         // n_cols floats of scratch when importance is set
    float value_weight_floor; // without importance: weights floor + x^2/sigma2 (0: plain error)
    const SearchPlan *plan;
    void *dst;              // n_rows * n_cols / 32 blocks
};

struct KernelSet {
    void (*quantize[kLegacyTypeCount])(const QuantizeJob &job);
    void (*dequantize[kLegacyTypeCount])(const void *src, uint64_t n_blocks, float *dst);
};

namespace scalar {
extern const KernelSet kernels;
}
namespace avx2 {
extern const KernelSet kernels; // defined only when GMAT_QUANT_HAVE_AVX2
}

} // namespace gmat::legacy
