// Times one quant type's quantizer and dequantizer on a matrix, split over a
// number of threads the way the export pipeline splits rows, and measures the
// reconstruction error; the same for ggml's quantizer when a GgmlLibrary is
// given, on the same data and the same split.
#pragma once

#include "bench/generated_matrix.hpp"
#include "bench/ggml_library.hpp"
#include "plugins/quant_type.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace gmat::bench {

struct BenchSettings {
    unsigned threads = 1;
    gmat_scale_strategy strategy = GMAT_SCALE_STANDARD;
    const float *importance = nullptr; // cols weights, or nullptr
    double min_seconds = 1.0;          // repeat each kernel until this much time has passed
    unsigned max_runs = 20;
};

struct KernelTiming {
    double best_seconds = 0; // fastest run
    unsigned runs = 0;
    double values_per_second(uint64_t values) const { return best_seconds > 0 ? values / best_seconds : 0; }
};

struct QuantMeasurement {
    KernelTiming quantize, dequantize;
    double relative_rmse = 0;
    double weighted_relative_rmse = 0; // w = 3 + x^2 / sigma2, see reconstruction_error.hpp
    std::vector<uint8_t> bytes; // the quantized matrix
};

QuantMeasurement measure_gmat(const QuantType &type, const GeneratedMatrix &m, const BenchSettings &settings);

// ggml's quantizer on the same matrix; its dequantized values come from ggml's
// to_float, or from `type` when ggml has none (plain float types).
QuantMeasurement measure_ggml(const GgmlLibrary &ggml, const QuantType &type, const GeneratedMatrix &m,
                              const BenchSettings &settings);

} // namespace gmat::bench
