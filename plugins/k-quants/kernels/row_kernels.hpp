// Whole-row quantizers, one set per SIMD path. Both sets compute exactly the
// same bytes; the AVX2 set is only faster.
#pragma once

#include "../block_layouts.hpp"
#include "../search/search_options.hpp"

#include <cstdint>

namespace gmat::kquants {

// Each quantizes n_blocks super-blocks of one row; options.importance, when
// set, points at the row's first column (n_blocks * 256 weights). The output
// pointers need no alignment.
struct RowKernels {
    const char *isa;
    void (*q2_k)(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out);
    void (*q3_k)(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out);
    void (*q4_k)(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out);
    void (*q5_k)(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out);
    void (*q6_k)(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out);
};

const RowKernels &scalar_row_kernels();
// Requires a CPU with AVX2, FMA and F16C (see cpu_dispatch.hpp); on
// non-x86 builds the same as scalar_row_kernels().
const RowKernels &avx2_row_kernels();

} // namespace gmat::kquants
