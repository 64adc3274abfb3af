#include "common/dtype.hpp"

#include "common/error.hpp"

#include <array>
#include <cstring>
#include <limits>

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
} // namespace

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
    case GMAT_DTYPE_BF16: {
        const auto *in = static_cast<const uint16_t *>(src);
        for (size_t i = 0; i < n; ++i) {
            const uint32_t bits = static_cast<uint32_t>(in[i]) << 16;
            std::memcpy(&dst[i], &bits, 4);
        }
        return;
    }
    case GMAT_DTYPE_F16: {
        const auto *in = static_cast<const uint16_t *>(src);
        for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(in[i]);
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
