// Builds for CPUs without AVX2: the dispatcher never picks this path
// (gmat_quant_common reports the scalar level), so it simply aliases it.
#include "row_kernels.hpp"

namespace gmat::kquants {

const RowKernels &avx2_row_kernels() { return scalar_row_kernels(); }

} // namespace gmat::kquants
