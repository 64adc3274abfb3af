// The float plugin: f32, f16 and bf16 as gmat quant types.
#include "float_kernels.hpp"

namespace {

struct FloatKernels {
    static constexpr uint32_t count = 3;
    static const gmat::sdk::QuantKernel table[count];
};

const gmat::sdk::QuantKernel FloatKernels::table[FloatKernels::count] = {
    gmat::floats::f32_kernel, gmat::floats::f16_kernel, gmat::floats::bf16_kernel};

} // namespace

GMAT_QUANT_PLUGIN("float", "1.0.0", "Plain float encodings: f32, f16, bf16 (F16C/AVX2 when available)", FloatKernels,
                  nullptr)
