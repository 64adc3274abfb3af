// The baseline path: the search code instantiated with plain C++ lanes.
#define GMAT_KQ_ISA scalar_isa
#include "../simd/lanes_scalar.hpp"
#include "row_kernels_impl.hpp"

namespace gmat::kquants {

const RowKernels &scalar_row_kernels() { return scalar_isa::kRowKernels; }

} // namespace gmat::kquants
