// The two ternary GGUF types, each a packing of a TernaryBlock into bytes laid
// out exactly as ggml defines them (ggml-common.h: block_tq1_0, block_tq2_0).
#pragma once

#include "ternary_block.hpp"

#include <cstddef>
#include <cstdint>

namespace ternary {

// tq1_0, GGUF type 34, 54 bytes per 256 values (1.6875 bits/weight):
//   qs[48]  values 0..239, five trits a byte: byte m of the first 32 holds
//           values m + 32n (n = 0..4), byte 32 + m of the next 16 holds
//           values 160 + m + 16n; the first trit is the most significant
//   qh[4]   values 240..255, four trits a byte: byte j holds 240 + j + 4n
//   d       half scale (little endian)
// A byte stores its trits t_n + 1 as the base-3 number q (0..242) scaled to
// ceil(q * 256 / 243), so trit n reads back as ((byte * 3^n mod 256) * 3) >> 8.
struct Tq1_0 {
    static constexpr uint32_t kGgufType = 34;
    static constexpr size_t kBlockBytes = 54;
    static void pack(const TernaryBlock &block, uint8_t *out);
    static void unpack(const uint8_t *in, float *out);
};

// tq2_0, GGUF type 35, 66 bytes per 256 values (2.0625 bits/weight):
//   qs[64]  two bits a value holding trit + 1: byte 32h + m holds values
//           128h + m + 32n in bits 2n..2n+1 (h = 0..1, n = 0..3)
//   d       half scale (little endian)
// The code 3 is never written; it decodes to 2d, as in ggml.
struct Tq2_0 {
    static constexpr uint32_t kGgufType = 35;
    static constexpr size_t kBlockBytes = 66;
    static void pack(const TernaryBlock &block, uint8_t *out);
    static void unpack(const uint8_t *in, float *out);
};

} // namespace ternary
