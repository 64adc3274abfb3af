// Picks the row kernels for this machine once per process: AVX2 when the CPU
// and OS support it, the scalar path otherwise or when the environment
// variable GMAT_FORCE_SCALAR is set to anything but "0" or "" (read once, at
// the first quantization).
#pragma once

#include "kernels/row_kernels.hpp"

namespace gmat::kquants {

const RowKernels &active_row_kernels();

} // namespace gmat::kquants
