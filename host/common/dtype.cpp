#include "common/dtype.hpp"

#include "common/error.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gmat {

namespace {
struct DtypeRow {
    gmat_dtype dtype;
    const char *name;
    size_t size;
};
constexpr std::array<DtypeRow, GMAT_DTYPE_COUNT> kDtypes{{
    {GMAT_DTYPE_F32, "F32", 4},   {GMAT_DTYPE_F16, "F16", 2},   {GMAT_DTYPE_BF16, "BF16", 2},
    {GMAT_DTYPE_F64, "F64", 8},   {GMAT_DTYPE_I8, "I8", 1},     {GMAT_DTYPE_U8, "U8", 1},
    {GMAT_DTYPE_I16, "I16", 2},   {GMAT_DTYPE_U16, "U16", 2},   {GMAT_DTYPE_I32, "I32", 4},
    {GMAT_DTYPE_U32, "U32", 4},   {GMAT_DTYPE_I64, "I64", 8},   {GMAT_DTYPE_U64, "U64", 8},
    {GMAT_DTYPE_BOOL, "BOOL", 1}, {GMAT_DTYPE_F8_E4M3, "F8_E4M3", 1}, {GMAT_DTYPE_F8_E5M2, "F8_E5M2", 1},
    {GMAT_DTYPE_F8_E8M0, "F8_E8M0", 1},
}};

float half_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else { // subnormal: normalise
        exponent = 113;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}
// The 256 values of an 8-bit float format, widened exactly to float.
template <class Decode> std::array<float, 256> byte_table(Decode decode) {
    std::array<float, 256> table{};
    for (unsigned b = 0; b < 256; ++b) table[b] = decode(static_cast<uint8_t>(b));
    return table;
}

// OCP FP8 E4M3 ("fn": no infinities; S.1111.111 is NaN), bias 7.
float e4m3_to_float(uint8_t b) {
    const float sign = (b & 0x80u) ? -1.0f : 1.0f;
    const int exponent = (b >> 3) & 0xf, mantissa = b & 7;
    if (exponent == 15 && mantissa == 7) return std::numeric_limits<float>::quiet_NaN();
    if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -9);
    return sign * std::ldexp(static_cast<float>(8 + mantissa), exponent - 10);
}

// BF16 is the upper half of a binary32: widening is a 16-bit shift, eight
// values per SSE2 step (x86-64's baseline) where the target has it.
void widen_bf16(const uint16_t *in, size_t n, float *dst) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), _mm_unpacklo_epi16(zero, v));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 4), _mm_unpackhi_epi16(zero, v));
    }
#endif
    for (; i < n; ++i) {
        const uint32_t bits = static_cast<uint32_t>(in[i]) << 16;
        std::memcpy(&dst[i], &bits, 4);
    }
}

void convert_bytes(const std::array<float, 256> &table, const void *src, size_t n, float *dst) {
    const auto *in = static_cast<const uint8_t *>(src);
    for (size_t i = 0; i < n; ++i) dst[i] = table[in[i]];
}
} // namespace

float e8m0_to_float(uint8_t b) {
    if (b == 0xff) return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, static_cast<int>(b) - 127);
}

const char *dtype_name(gmat_dtype dtype) {
    for (const auto &row : kDtypes)
        if (row.dtype == dtype) return row.name;
    return "UNKNOWN";
}

std::optional<gmat_dtype> dtype_from_name(std::string_view name) {
    for (const auto &row : kDtypes)
        if (name == row.name) return row.dtype;
    return std::nullopt;
}

size_t dtype_size(gmat_dtype dtype) {
    for (const auto &row : kDtypes)
        if (row.dtype == dtype) return row.size;
    throw GmatError("unknown dtype id " + std::to_string(static_cast<int>(dtype)));
}

bool is_float_weight_dtype(gmat_dtype dtype) {
    return dtype == GMAT_DTYPE_F32 || dtype == GMAT_DTYPE_F16 || dtype == GMAT_DTYPE_BF16;
}

void convert_to_f32(gmat_dtype dtype, const void *src, size_t n, float *dst) {
    switch (dtype) {
    case GMAT_DTYPE_F32:
        std::memcpy(dst, src, n * 4);
        return;
    case GMAT_DTYPE_BF16:
        widen_bf16(static_cast<const uint16_t *>(src), n, dst);
        return;
    case GMAT_DTYPE_F16: {
        const auto *in = static_cast<const uint16_t *>(src);
        for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(in[i]);
        return;
    }
    case GMAT_DTYPE_F8_E4M3: {
        static const auto table = byte_table(e4m3_to_float);
        convert_bytes(table, src, n, dst);
        return;
    }
    case GMAT_DTYPE_F8_E5M2: { // the upper byte of a binary16
        static const auto table = byte_table([](uint8_t b) { return half_to_float(static_cast<uint16_t>(b << 8)); });
        convert_bytes(table, src, n, dst);
        return;
    }
    case GMAT_DTYPE_F8_E8M0: {
        static const auto table = byte_table(e8m0_to_float);
        convert_bytes(table, src, n, dst);
        return;
    }
    default:
        throw GmatError(std::string("cannot convert ") + dtype_name(dtype) + " to F32: not a floating-point weight type");
    }
}

uint64_t element_count(const std::vector<uint64_t> &shape) {
    uint64_t n = 1;
    for (uint64_t d : shape) {
        if (d != 0 && n > std::numeric_limits<uint64_t>::max() / d)
            throw GmatError("shape " + shape_string(shape) + " has more elements than 2^64");
        n *= d;
    }
    return n;
}

std::string shape_string(const std::vector<uint64_t> &shape, char separator) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? std::string(1, separator) : "") + std::to_string(shape[i]);
    return s.empty() ? "scalar" : s;
}

} // namespace gmat
