// What the CPU we run on can do, and which kernel variant to use.
//
// Kernels come in a portable scalar variant and an AVX2 variant (AVX2 + FMA +
// F16C, the x86-64-v3 level). The AVX2 variant is used when the CPU and the
// OS (XGETBV: YMM state saved on context switch) support it, unless the
// environment variable GMAT_FORCE_SCALAR is set to a non-empty value other
// than "0" (read once, at the first query): a way to test and benchmark the
// portable path on a machine that has AVX2.
#pragma once

namespace gmat::quant {

struct CpuFeatures {
    bool sse42 = false;
    bool avx = false;  // with OS support for YMM state
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false; // with OS support for ZMM state
    bool avx512bw = false;
    bool avx512vl = false;
};

// Detected once (CPUID + XGETBV); all false on non-x86 machines.
const CpuFeatures &cpu_features() noexcept;

enum class SimdLevel {
    scalar = 0, // portable C++, any CPU
    avx2 = 1    // AVX2 + FMA + F16C
};

// The best level this build and this CPU support (ignores GMAT_FORCE_SCALAR).
SimdLevel supported_simd_level() noexcept;

// True when GMAT_FORCE_SCALAR asks for the portable kernels.
bool scalar_forced() noexcept;

// The level kernels should use: supported_simd_level(), or scalar when forced.
SimdLevel simd_level() noexcept;

const char *simd_level_name(SimdLevel level) noexcept;

} // namespace gmat::quant
