// The iq-lattice plugin: ggml's low-bit i-quants whose values come from a
// fixed lattice (grid) of points: iq3_s, iq3_xxs, iq2_s, iq2_xs, iq2_xxs, iq1_s, iq1_m.
#include "iq1m_format.hpp"
#include "iq1m_kernels.hpp"
#include "iq1s_format.hpp"
#include "iq1s_kernels.hpp"
#include "iq2s_format.hpp"
#include "iq2s_kernels.hpp"
#include "iq2xs_format.hpp"
#include "iq2xs_kernels.hpp"
#include "iq2xxs_format.hpp"
#include "iq2xxs_kernels.hpp"
#include "iq3s_format.hpp"
#include "iq3s_kernels.hpp"
#include "iq3xxs_format.hpp"
#include "iq3xxs_kernels.hpp"

namespace {

using gmat::sdk::QuantKernel;

struct LatticeKernels {
    static constexpr uint32_t count = 7;
    static const QuantKernel table[count];
};

const QuantKernel LatticeKernels::table[count] = {
    {{sizeof(gmat_quant_type_desc), "iq3_s", gmat::iqlattice::kIq3sGgufType, gmat::iqlattice::kIq3sBlockValues,
      sizeof(gmat::iqlattice::Iq3sBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "3-bit lattice: groups of 4 values from a 512-point grid, sign bits, 4-bit sub-block scales "
      "(3.4375 bits/weight)"},
     &gmat::iqlattice::quantize_iq3s,
     &gmat::iqlattice::dequantize_iq3s},
    {{sizeof(gmat_quant_type_desc), "iq3_xxs", gmat::iqlattice::kIq3xxsGgufType, 256,
      sizeof(gmat::iqlattice::Iq3xxsBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "3-bit lattice: groups of 4 values from a 256-point grid, sign codes with even parity, 4-bit sub-block "
      "scales (3.0625 bits/weight; llama.cpp writes it only with an importance matrix)"},
     &gmat::iqlattice::quantize_iq3xxs,
     &gmat::iqlattice::dequantize_iq3xxs},
    {{sizeof(gmat_quant_type_desc), "iq2_s", gmat::iqlattice::kIq2sGgufType, 256,
      sizeof(gmat::iqlattice::Iq2sBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "2-bit lattice: groups of 8 values from a 1024-point grid, sign bits, 4-bit scales per 16 values "
      "(2.5625 bits/weight; llama.cpp writes it only with an importance matrix)"},
     &gmat::iqlattice::quantize_iq2s,
     &gmat::iqlattice::dequantize_iq2s},
    // ggml's iq2_xs, iq2_xxs and iq1_s quantizers abort without importance weights: these types require them,
    // and so does iq1_m (llama.cpp writes it only with an importance matrix).
    {{sizeof(gmat_quant_type_desc), "iq2_xs", gmat::iqlattice::kIq2xsGgufType, 256,
      sizeof(gmat::iqlattice::Iq2xsBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_REQUIRES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "2-bit lattice: groups of 8 values from a 512-point grid, sign codes with even parity, 4-bit scales per "
      "16 values (2.3125 bits/weight; needs an importance matrix)"},
     &gmat::iqlattice::quantize_iq2xs,
     &gmat::iqlattice::dequantize_iq2xs},
    {{sizeof(gmat_quant_type_desc), "iq2_xxs", gmat::iqlattice::kIq2xxsGgufType, 256,
      sizeof(gmat::iqlattice::Iq2xxsBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_REQUIRES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "2-bit lattice: groups of 8 values from a 256-point grid, sign codes with even parity, 4-bit scales per "
      "32 values (2.0625 bits/weight; needs an importance matrix)"},
     &gmat::iqlattice::quantize_iq2xxs,
     &gmat::iqlattice::dequantize_iq2xxs},
    {{sizeof(gmat_quant_type_desc), "iq1_s", gmat::iqlattice::kIq1sGgufType, 256,
      sizeof(gmat::iqlattice::Iq1sBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_REQUIRES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "1-bit lattice: groups of 8 values in {-1, 0, 1} from a 2048-point grid, a +-1/8 shift and a 3-bit scale "
      "per 32 values (1.5625 bits/weight; needs an importance matrix)"},
     &gmat::iqlattice::quantize_iq1s,
     &gmat::iqlattice::dequantize_iq1s},
    {{sizeof(gmat_quant_type_desc), "iq1_m", gmat::iqlattice::kIq1mGgufType, 256,
      sizeof(gmat::iqlattice::Iq1mBlock), GMAT_QUANT_USES_IMPORTANCE | GMAT_QUANT_REQUIRES_IMPORTANCE | GMAT_QUANT_SLOW_SEARCH,
      "1-bit lattice: groups of 8 values in {-1, 0, 1} from iq1_s's 2048-point grid, a +-1/8 shift per 8 values "
      "and a 3-bit scale per 16 values (1.75 bits/weight; needs an importance matrix)"},
     &gmat::iqlattice::quantize_iq1m,
     &gmat::iqlattice::dequantize_iq1m},
};

} // namespace

GMAT_QUANT_PLUGIN("iq-lattice", "1.0.0",
                  "ggml low-bit lattice i-quants: iq3_s, iq3_xxs, iq2_s, iq2_xs, iq2_xxs, iq1_s, iq1_m (AVX2 when available; importance-aware; standard and trellis searches)",
                  LatticeKernels, nullptr)
