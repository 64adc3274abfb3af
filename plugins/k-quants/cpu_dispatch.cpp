#include "cpu_dispatch.hpp"

#include <gmat_quant/cpu_features.hpp>

namespace gmat::kquants {

// gmat_quant_common reads GMAT_FORCE_SCALAR once and checks CPUID and XGETBV.
const RowKernels &active_row_kernels() {
    static const RowKernels &kernels =
        quant::simd_level() == quant::SimdLevel::avx2 ? avx2_row_kernels() : scalar_row_kernels();
    return kernels;
}

} // namespace gmat::kquants
