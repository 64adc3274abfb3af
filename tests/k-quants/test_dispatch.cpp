// The kernels the plugin runs: AVX2 when the CPU has it, the scalar path when
// GMAT_FORCE_SCALAR asks for it. ctest runs this binary twice, with and
// without the variable (see CMakeLists.txt).
#include "cpu_dispatch.hpp"

#include <gmat_quant/cpu_features.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace gmat::kquants {
namespace {

bool force_scalar_requested() {
    const char *v = std::getenv("GMAT_FORCE_SCALAR");
    return v != nullptr && v[0] != '\0' && std::strcmp(v, "0") != 0;
}

TEST(KQuantDispatch, PicksThePathTheCpuAndEnvironmentAskFor) {
    const std::string isa = active_row_kernels().isa;
    if (force_scalar_requested() || quant::supported_simd_level() != quant::SimdLevel::avx2)
        EXPECT_EQ(isa, "scalar");
    else
        EXPECT_EQ(isa, "avx2");
    std::printf("[ metrics  ] k-quants kernels: %s\n", isa.c_str());
}

} // namespace
} // namespace gmat::kquants
