// The kernels built for AVX2 + FMA + F16C (this file alone gets those flags;
// it is only reached after the dispatcher checked the CPU). -ffp-contract=off
// keeps every multiply and add separately rounded, as in the scalar build.
#include "../search/lane_ops_avx2.hpp"
#include "row_kernels.hpp"

namespace gmat::iquants::avx2 {

const KernelSet kernels = make_kernel_set<quant::Avx2Simd>();

} // namespace gmat::iquants::avx2
