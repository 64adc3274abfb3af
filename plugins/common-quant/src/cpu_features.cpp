#include <gmat_quant/cpu_features.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace gmat::quant {

namespace {

#if defined(__x86_64__) || defined(__i386__)
// XCR0: which register states the OS saves; reading it needs CPUID.1:ECX.OSXSAVE.
uint64_t read_xcr0() noexcept {
    uint32_t eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (uint64_t(edx) << 32) | eax;
}

CpuFeatures detect() noexcept {
    CpuFeatures f;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    f.sse42 = (ecx >> 20) & 1;
    const bool osxsave = (ecx >> 27) & 1;
    const bool cpu_avx = (ecx >> 28) & 1;
    const bool cpu_fma = (ecx >> 12) & 1;
    const bool cpu_f16c = (ecx >> 29) & 1;
    if (!osxsave) return f;
    const uint64_t xcr0 = read_xcr0();
    const bool ymm_state = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
    const bool zmm_state = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM hi256, hi16 ZMM
    if (!ymm_state || !cpu_avx) return f;
    f.avx = true;
    f.fma = cpu_fma;
    f.f16c = cpu_f16c;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        f.avx2 = (ebx >> 5) & 1;
        if (zmm_state) {
            f.avx512f = (ebx >> 16) & 1;
            f.avx512bw = (ebx >> 30) & 1;
            f.avx512vl = (ebx >> 31) & 1;
        }
    }
    return f;
}
#else
CpuFeatures detect() noexcept { return {}; }
#endif

bool read_force_scalar() noexcept {
    const char *value = std::getenv("GMAT_FORCE_SCALAR");
    return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

} // namespace

const CpuFeatures &cpu_features() noexcept {
    static const CpuFeatures features = detect();
    return features;
}

SimdLevel supported_simd_level() noexcept {
#if defined(GMAT_QUANT_HAVE_AVX2)
    const CpuFeatures &f = cpu_features();
    if (f.avx2 && f.fma && f.f16c) return SimdLevel::avx2;
#endif
    return SimdLevel::scalar;
}

bool scalar_forced() noexcept {
    static const bool forced = read_force_scalar();
    return forced;
}

SimdLevel simd_level() noexcept {
    static const SimdLevel level = scalar_forced() ? SimdLevel::scalar : supported_simd_level();
    return level;
}

const char *simd_level_name(SimdLevel level) noexcept {
    switch (level) {
    case SimdLevel::scalar: return "scalar";
    case SimdLevel::avx2: return "avx2";
    }
    return "unknown";
}

} // namespace gmat::quant
