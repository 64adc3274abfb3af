// The iq-lattice plugin: ggml's low-bit i-quants whose values come from a
// fixed lattice (grid) of points: iq3_s and iq3_xxs.
#include "iq3s_format.hpp"
#include "iq3s_kernels.hpp"
#include "iq3xxs_format.hpp"
#include "iq3xxs_kernels.hpp"

namespace {

using gmat::sdk::QuantKernel;

struct LatticeKernels {
    static constexpr uint32_t count = 2;
    static const QuantKernel table[count];
};

const QuantKernel LatticeKernels::table[count] = {
    {{sizeof(gmat_quant_type_desc), "iq3_s", gmat::iqlattice::kIq3sGgufType, gmat::iqlattice::kIq3sBlockValues,
      sizeof(gmat::iqlattice::Iq3sBlock), GMAT_QUANT_USES_IMPORTANCE,
      "3-bit lattice: groups of 4 values from a 512-point grid, sign bits, 4-bit sub-block scales "
      "(3.4375 bits/weight)"},
     &gmat::iqlattice::quantize_iq3s,
     &gmat::iqlattice::dequantize_iq3s},
    {{sizeof(gmat_quant_type_desc), "iq3_xxs", gmat::iqlattice::kIq3xxsGgufType, 256,
      sizeof(gmat::iqlattice::Iq3xxsBlock), GMAT_QUANT_USES_IMPORTANCE,
      "3-bit lattice: groups of 4 values from a 256-point grid, sign codes with even parity, 4-bit sub-block "
      "scales (3.0625 bits/weight; llama.cpp writes it only with an importance matrix)"},
     &gmat::iqlattice::quantize_iq3xxs,
     &gmat::iqlattice::dequantize_iq3xxs},
};

} // namespace

GMAT_QUANT_PLUGIN("iq-lattice", "1.0.0",
                  "ggml low-bit lattice i-quants: iq3_s, iq3_xxs (importance-aware; standard and trellis searches)",
                  LatticeKernels, nullptr)
