// Picks the row kernels for this machine once per process: AVX2 (with FMA and
// F16C, the level gmat_quant_common calls avx2) when the CPU and OS support
// it, the scalar path otherwise or when GMAT_FORCE_SCALAR is set to anything
// but "" or "0".
#pragma once

#include "kernels/row_kernels.hpp"

namespace gmat::kquants {

const RowKernels &active_row_kernels();

} // namespace gmat::kquants
