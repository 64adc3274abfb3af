// The interface between the dispatcher and the kernels compiled once per
// SIMD backend (kernels_scalar.cpp, kernels_avx2.cpp): plain data and
// function pointers, nothing that could pull shared inline code into the
// AVX2 translation unit.
#pragma once

#include "../search_recipe.hpp"

#include <cstdint>

namespace gmat::iquants {

struct QuantizeJob {
    const float *src;         // n_rows * n_cols finite values
    uint64_t n_rows;
    uint64_t n_cols;          // a multiple of the type's block size
    const float *importance;  // n_cols finite weights >= 0, or nullptr
    const SearchRecipe *recipe;
    void *dst;                // n_rows * n_cols / block size blocks, any alignment
};

struct KernelSet {
    const char *isa;
    void (*quantize_nl)(const QuantizeJob &job);
    void (*quantize_xs)(const QuantizeJob &job);
};

namespace scalar {
extern const KernelSet kernels;
}
namespace avx2 {
extern const KernelSet kernels; // defined only when GMAT_QUANT_HAVE_AVX2
}

} // namespace gmat::iquants
