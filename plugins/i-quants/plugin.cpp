// The i-quants plugin: ggml's 4-bit non-linear types iq4_nl and iq4_xs.
#include "iq4_kernels.hpp"

namespace {

struct Iq4Kernels {
    static constexpr uint32_t count = gmat::iquants::kIq4TypeCount;
    static const gmat::sdk::QuantKernel (&table)[count];
};

const gmat::sdk::QuantKernel (&Iq4Kernels::table)[Iq4Kernels::count] = gmat::iquants::kIq4Kernels;

} // namespace

GMAT_QUANT_PLUGIN("i-quants", "1.0.0",
                  "ggml 4-bit non-linear types iq4_nl and iq4_xs (AVX2 when available; standard and trellis "
                  "scale searches; importance-aware)",
                  Iq4Kernels, nullptr)
