// The fp4 plugin: MXFP4 as a gmat quant type.
#include "mxfp4_kernel.hpp"

namespace {

struct Fp4Kernels {
    static constexpr uint32_t count = 1;
    static const gmat::sdk::QuantKernel table[count];
};

const gmat::sdk::QuantKernel Fp4Kernels::table[Fp4Kernels::count] = {gmat::fp4::mxfp4_kernel};

} // namespace

GMAT_QUANT_PLUGIN("fp4", "1.0.0", "MXFP4: 32 E2M1 values per E8M0 power-of-two scale (GPT-OSS experts)", Fp4Kernels,
                  nullptr)
