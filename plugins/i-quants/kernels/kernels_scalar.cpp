// The portable kernels: the searches instantiated with quant::ScalarSimd.
#include "../search/lane_ops_scalar.hpp"
#include "row_kernels.hpp"

namespace gmat::iquants::scalar {

const KernelSet kernels = make_kernel_set<quant::ScalarSimd>();

} // namespace gmat::iquants::scalar
