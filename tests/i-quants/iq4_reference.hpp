// What the i-quants tests compare: our kernels and ggml's (the prebuilt
// llama.cpp oracle) on whole matrices, and the error measures both sides are
// judged by, in double precision.
#pragma once

#include "iq4_matrices.hpp"

#include <reconstruction_metrics.hpp>

#include <iq4_formats.hpp>
#include <gmat/abi.h>
#include <gmat_quant/cpu_features.hpp>

#include <cstdint>
#include <vector>

namespace iquants_test {

using gmat::iquants::Iq4Type;

uint32_t gguf_type_of(Iq4Type type);
uint64_t row_bytes(Iq4Type type, uint64_t cols);
const char *type_name(Iq4Type type);

struct Options {
    gmat_scale_strategy strategy = GMAT_SCALE_STANDARD;
    float lambda = 0.3f;
    const float *importance = nullptr;
    gmat::quant::SimdLevel level = gmat::quant::simd_level();
};

std::vector<uint8_t> gmat_quantize(Iq4Type type, const Matrix &m, const Options &options = {});
std::vector<float> gmat_dequantize(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m);

std::vector<uint8_t> ggml_quantize(Iq4Type type, const Matrix &m, const float *importance = nullptr);
std::vector<float> ggml_dequantize(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m);
// Index of the first row ggml_validate_row_data rejects, or -1.
int64_t ggml_first_invalid_row(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m);

// sqrt(sum (x - y)^2 / sum x^2); for an all-zero x, sqrt(sum y^2). Infinite
// when some y is not finite.
using gmat::testing::relative_rmse;

// The objective the iq4 quantizers minimise, relative to the same sum over x:
//   sum over 32-value blocks of  sum w e^2 + lambda (sum w e)^2 / sum w,
// e = x - y, w = importance_j * sqrt(sigma2 + x_j^2) with sigma2 twice the
// mean square of the type's super-block (ggml's weighting), or without
// importance the default w = 3 + x_j^2 / sigma2, sigma2 the row's mean
// square. lambda = 0 gives the plain weighted squared error.
double relative_objective(Iq4Type type, const Matrix &x, const std::vector<float> &y, const float *importance,
                          double lambda);

// The same per block (absolute, not relative): one value per 32-value block
// (iq4_nl) or per 256-value super-block (iq4_xs).
std::vector<double> block_objectives(Iq4Type type, const Matrix &x, const std::vector<float> &y,
                                     const float *importance, double lambda);

} // namespace iquants_test
