// MXFP4 (OCP microscaling FP4), GGUF type 39: blocks of 32 values sharing an
// E8M0 power-of-two scale, each value an E2M1 nibble.
#pragma once

#include <gmat/sdk.hpp>

namespace gmat::fp4 {

extern const sdk::QuantKernel mxfp4_kernel;

} // namespace gmat::fp4
