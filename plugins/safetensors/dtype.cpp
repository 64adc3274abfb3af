#include "dtype.hpp"

#include <array>

namespace gmat::safetensors {

namespace {

// Every dtype the host can be told about. The host decides which it accepts
// as weights; the reader only needs their sizes to validate the layout.
constexpr std::array<Dtype, GMAT_DTYPE_COUNT> kDtypes = {{
    {"F32", GMAT_DTYPE_F32, 4},
    {"F16", GMAT_DTYPE_F16, 2},
    {"BF16", GMAT_DTYPE_BF16, 2},
    {"F64", GMAT_DTYPE_F64, 8},
    {"I8", GMAT_DTYPE_I8, 1},
    {"U8", GMAT_DTYPE_U8, 1},
    {"I16", GMAT_DTYPE_I16, 2},
    {"U16", GMAT_DTYPE_U16, 2},
    {"I32", GMAT_DTYPE_I32, 4},
    {"U32", GMAT_DTYPE_U32, 4},
    {"I64", GMAT_DTYPE_I64, 8},
    {"U64", GMAT_DTYPE_U64, 8},
    {"BOOL", GMAT_DTYPE_BOOL, 1},
    {"F8_E4M3", GMAT_DTYPE_F8_E4M3, 1},
    {"F8_E5M2", GMAT_DTYPE_F8_E5M2, 1},
    {"F8_E8M0", GMAT_DTYPE_F8_E8M0, 1},
}};

} // namespace

const Dtype *find_dtype(std::string_view name) {
    for (const Dtype &d : kDtypes)
        if (name == d.name) return &d;
    return nullptr;
}

std::string known_dtype_names() {
    std::string names;
    for (const Dtype &d : kDtypes) names += (names.empty() ? "" : ", ") + std::string(d.name);
    return names;
}

} // namespace gmat::safetensors
