// The AVX2 path: the same search code instantiated with AVX2 lanes. This file
// alone is compiled with -mavx2; everything it defines lives in avx2_isa or
// has internal linkage, so no AVX2 code can leak into the baseline path.
#define GMAT_KQ_ISA avx2_isa
#include "../simd/lanes_avx2.hpp"
#include "row_kernels_impl.hpp"

namespace gmat::kquants {

const RowKernels &avx2_row_kernels() { return avx2_isa::kRowKernels; }

} // namespace gmat::kquants
