// The legacy kernels built for AVX2 + FMA + F16C (compiled with those flags;
// only reached after kernel_dispatch.cpp checked the CPU).
#include <gmat_quant/simd_avx2.hpp>

#include "row_kernels.hpp"

namespace gmat::legacy::avx2 {

const KernelSet kernels = make_kernel_set<quant::Avx2Simd>();

} // namespace gmat::legacy::avx2
