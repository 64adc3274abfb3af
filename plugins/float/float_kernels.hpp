// Row kernels of the float plugin: plain encodings, one value per "block".
#pragma once

#include <gmat/sdk.hpp>

namespace gmat::floats {

extern const sdk::QuantKernel f32_kernel;
extern const sdk::QuantKernel f16_kernel;
extern const sdk::QuantKernel bf16_kernel;

} // namespace gmat::floats
