// The legacy plugin: ggml's original block formats q4_0, q4_1, q5_0, q5_1, q8_0.
#include "legacy_kernels.hpp"

namespace {

struct LegacyKernels {
    static constexpr uint32_t count = gmat::legacy::kLegacyTypeCount;
    static const gmat::sdk::QuantKernel (&table)[count];
};

const gmat::sdk::QuantKernel (&LegacyKernels::table)[LegacyKernels::count] = gmat::legacy::quant_kernels;

} // namespace

GMAT_QUANT_PLUGIN("legacy", "1.0.0",
                  "ggml legacy block formats q4_0, q4_1, q5_0, q5_1, q8_0 (AVX2 when available; "
                  "standard and trellis scale searches; importance-aware)",
                  LegacyKernels, nullptr)
