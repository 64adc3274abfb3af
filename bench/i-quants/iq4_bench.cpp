// iq4_nl / iq4_xs quantize throughput, one thread, against ggml_quantize_chunk
// on the same 4096 x 4096 heavy-tailed matrix (with and without an
// importance vector). Times are the thread's CPU time, so other processes
// sharing the cores do not skew the ratios. Counters:
//   speed_vs_ggml  ggml's CPU seconds per matrix / ours (> 1: we are faster)
//   error_vs_ggml  our relative error / ggml's (< 1: we are more accurate);
//                  the importance-weighted error when an importance vector is used
//   rel_error      relative RMSE (or importance-weighted relative error)
// A size sweep of the standard kernels per SIMD path follows (bytes/s).
// Both sides are timed alike: output buffers allocated before timing, one
// untimed warm-up run, then the mean of the timed runs (when the filter
// leaves the ggml entry out, each gmat entry times ggml the same number of
// runs). GMAT_BENCH_ROWS=N quantizes N rows instead of 4096 (CI's smoke run).
#include "iq4_matrices.hpp"

#include <iq4_kernels.hpp>
#include <oracle/ggml_types.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <utility>

namespace {

using gmat::iquants::Iq4Type;
using iquants_test::Matrix;

uint64_t bench_rows() {
    const char *env = std::getenv("GMAT_BENCH_ROWS");
    return env ? std::max<uint64_t>(1, std::strtoull(env, nullptr, 10)) : 4096;
}
const uint64_t kRows = bench_rows();
constexpr uint64_t kCols = 4096;

double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

const Matrix &matrix() {
    static const Matrix m = iquants_test::heavy_tailed_matrix(kRows, kCols, 2024);
    return m;
}

const std::vector<float> &importance() {
    static const std::vector<float> w = iquants_test::importance_vector(kCols, 2025);
    return w;
}

const float *importance_or_null(bool weighted) { return weighted ? importance().data() : nullptr; }

uint32_t gguf_type(Iq4Type type) { return gmat::iquants::format_of(type).gguf_type; }

// Relative error of y: RMSE, or with importance the error weighted like the
// quantizers' objective, w = importance * sqrt(2 * mean square of the row + x^2).
double relative_error(const std::vector<float> &y, bool weighted) {
    const Matrix &m = matrix();
    double err = 0, ref = 0;
    for (uint64_t r = 0; r < m.rows; ++r) {
        const float *x = m.row(r);
        double ms = 0;
        for (uint64_t c = 0; c < m.cols; ++c) ms += double(x[c]) * x[c];
        ms = 2.0 * ms / double(m.cols);
        for (uint64_t c = 0; c < m.cols; ++c) {
            const double w = weighted ? importance()[c] * std::sqrt(ms + double(x[c]) * x[c]) : 1.0;
            const double e = double(x[c]) - y[r * m.cols + c];
            err += w * e * e;
            ref += w * double(x[c]) * x[c];
        }
    }
    return std::sqrt(err / ref);
}

struct Measurement {
    double seconds = 0; // CPU seconds per matrix
    double error = 0;
};

std::map<std::pair<Iq4Type, bool>, Measurement> &ggml_results() {
    static std::map<std::pair<Iq4Type, bool>, Measurement> results;
    return results;
}

// ggml_quantize_chunk into a buffer made before timing.
class GgmlRun {
public:
    GgmlRun(Iq4Type type, bool weighted)
        : type_(type), weighted_(weighted), q_(matrix().rows * oracle::row_size(gguf_type(type), int64_t(kCols))) {}
    void operator()() {
        const Matrix &m = matrix();
        oracle::quantize_into(gguf_type(type_), m.values.data(), int64_t(m.rows), int64_t(m.cols),
                              importance_or_null(weighted_), q_.data());
    }
    double error() const {
        return relative_error(oracle::dequantize(gguf_type(type_), q_.data(), int64_t(matrix().values.size())), weighted_);
    }

private:
    Iq4Type type_;
    bool weighted_;
    std::vector<uint8_t> q_;
};

// ggml's figures for the ratios; measured here, warm and over `runs` runs,
// when its benchmark was filtered out.
const Measurement &ggml_reference(Iq4Type type, bool weighted, int64_t runs) {
    auto it = ggml_results().find({type, weighted});
    if (it != ggml_results().end()) return it->second;
    GgmlRun run(type, weighted);
    run(); // warm-up, untimed
    runs = std::max<int64_t>(1, runs);
    const double start = thread_seconds();
    for (int64_t i = 0; i < runs; ++i) run();
    const Measurement r{(thread_seconds() - start) / double(runs), run.error()};
    return ggml_results().emplace(std::make_pair(type, weighted), r).first->second;
}

void BM_ggml(benchmark::State &state, Iq4Type type, bool weighted) {
    GgmlRun run(type, weighted);
    run(); // warm-up, untimed
    double seconds = 0;
    for (auto _ : state) {
        const double start = thread_seconds();
        run();
        seconds += thread_seconds() - start;
    }
    const Measurement total{seconds / double(state.iterations()), run.error()};
    ggml_results()[{type, weighted}] = total;
    state.counters["rel_error"] = total.error;
    state.SetBytesProcessed(int64_t(state.iterations() * matrix().values.size() * sizeof(float)));
}

void BM_gmat(benchmark::State &state, Iq4Type type, gmat_scale_strategy strategy, bool weighted) {
    const Matrix &m = matrix();
    const gmat::iquants::Iq4Format &f = gmat::iquants::format_of(type);
    std::vector<uint8_t> q(m.rows * (m.cols / f.block_elements) * f.block_bytes);
    gmat::sdk::QuantParams params;
    params.strategy = strategy;
    params.importance = importance_or_null(weighted);
    gmat::iquants::quantize_rows(type, gmat::quant::simd_level(), m.values.data(), m.rows, m.cols, params, q.data());
    double seconds = 0; // after the untimed warm-up run above
    for (auto _ : state) {
        const double start = thread_seconds();
        gmat::iquants::quantize_rows(type, gmat::quant::simd_level(), m.values.data(), m.rows, m.cols, params,
                                     q.data());
        seconds += thread_seconds() - start;
    }
    seconds /= double(state.iterations());
    std::vector<float> y(m.values.size());
    gmat::iquants::dequantize_rows(type, q.data(), m.rows, m.cols, y.data());
    const double error = relative_error(y, weighted);
    const Measurement &ggml = ggml_reference(type, weighted, int64_t(state.iterations()));
    state.counters["rel_error"] = error;
    state.counters["error_vs_ggml"] = error / ggml.error;
    state.counters["speed_vs_ggml"] = ggml.seconds / seconds;
    state.SetBytesProcessed(int64_t(state.iterations() * m.values.size() * sizeof(float)));
    state.SetLabel(gmat::iquants::kernel_isa(gmat::quant::simd_level()));
}

// The standard kernels on rows x 4096 inputs (1 row: L1/L2; 256: L3; 4096: RAM) per SIMD path.
void BM_gmat_size(benchmark::State &state, Iq4Type type, gmat::quant::SimdLevel level) {
    const Matrix &m = matrix();
    const uint64_t rows = std::min<uint64_t>(uint64_t(state.range(0)), m.rows);
    const gmat::iquants::Iq4Format &f = gmat::iquants::format_of(type);
    std::vector<uint8_t> q(rows * (m.cols / f.block_elements) * f.block_bytes);
    const gmat::sdk::QuantParams params;
    for (auto _ : state) gmat::iquants::quantize_rows(type, level, m.values.data(), rows, m.cols, params, q.data());
    state.SetBytesProcessed(int64_t(state.iterations() * rows * m.cols * sizeof(float)));
    state.SetLabel(gmat::iquants::kernel_isa(level));
}

void register_comparisons() {
    for (bool weighted : {false, true}) {
        for (Iq4Type type : {Iq4Type::nl, Iq4Type::xs}) {
            const std::string name = std::string(gmat::iquants::format_of(type).name) + (weighted ? "/imatrix" : "");
            benchmark::RegisterBenchmark(("ggml/" + name).c_str(), BM_ggml, type, weighted)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(("gmat_standard/" + name).c_str(), BM_gmat, type, GMAT_SCALE_STANDARD, weighted)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(("gmat_trellis/" + name).c_str(), BM_gmat, type, GMAT_SCALE_TRELLIS, weighted)
                ->Unit(benchmark::kMillisecond);
        }
    }
    for (Iq4Type type : {Iq4Type::nl, Iq4Type::xs}) {
        for (gmat::quant::SimdLevel level : {gmat::quant::SimdLevel::scalar, gmat::quant::SimdLevel::avx2}) {
            const std::string name = std::string("gmat_standard_size/") + gmat::iquants::format_of(type).name + "/" +
                                     gmat::quant::simd_level_name(level);
            benchmark::RegisterBenchmark(name.c_str(), BM_gmat_size, type, level)
                ->Arg(1)
                ->Arg(256)
                ->Unit(benchmark::kMicrosecond);
        }
    }
}

} // namespace

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    matrix(); // generated before anything is timed
    importance();
    register_comparisons();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
