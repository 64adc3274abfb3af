// The legacy kernels built for any CPU.
#include "row_kernels.hpp"

#include <gmat_quant/simd_scalar.hpp>

namespace gmat::legacy::scalar {

const KernelSet kernels = make_kernel_set<quant::ScalarSimd>();

} // namespace gmat::legacy::scalar
