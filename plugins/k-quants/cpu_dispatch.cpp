#include "cpu_dispatch.hpp"

#include <cstdlib>
#include <cstring>

namespace gmat::kquants {
namespace {

bool scalar_forced() {
    const char *value = std::getenv("GMAT_FORCE_SCALAR");
    return value != nullptr && value[0] != '\0' && std::strcmp(value, "0") != 0;
}

// __builtin_cpu_supports checks the CPUID bits and, for AVX, that the OS
// saves the YMM registers (XGETBV).
bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

const RowKernels &choose() {
    if (!scalar_forced() && cpu_has_avx2()) return avx2_row_kernels();
    return scalar_row_kernels();
}

} // namespace

const RowKernels &active_row_kernels() {
    static const RowKernels &kernels = choose();
    return kernels;
}

} // namespace gmat::kquants
