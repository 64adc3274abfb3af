// Quantize throughput of every K type and strategy against ggml's reference
// quantizer on the same 4096x4096 heavy-tailed matrix (kquant_matrices.hpp),
// single-threaded. Each ggml benchmark runs before the k-quants ones of its
// type and leaves its time and error behind, so the k-quants rows carry
//   speed_vs_ggml = ggml CPU time / our CPU time   (> 1: faster)
//   error_vs_ggml = our relative RMSE / ggml's     (< 1: more accurate)
// Times are thread CPU time, so other load on the machine skews them less;
// compare ratios within one run. Both sides are timed alike: output buffers
// allocated before timing, one untimed warm-up run, then the mean of the
// timed runs. GMAT_FORCE_SCALAR=1 benchmarks the scalar path;
// GMAT_BENCH_ROWS=N quantizes N rows instead of 4096 (CI's smoke run).
#include "cpu_dispatch.hpp"
#include "kquant_matrices.hpp"
#include "kquant_oracle.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>

namespace gmat::kquants::bench {
namespace {

using testing::Matrix;

uint64_t bench_rows() {
    const char *env = std::getenv("GMAT_BENCH_ROWS");
    return env ? std::max<uint64_t>(1, std::strtoull(env, nullptr, 10)) : 4096;
}
const uint64_t kRows = bench_rows();
constexpr uint64_t kCols = 4096;

struct KType {
    const char *name;
    uint32_t gguf_type;
    uint32_t block_bytes;
    void (*RowKernels::*row)(const float *, uint64_t, const SearchOptions &, void *);
};

const KType kTypes[] = {{"q2_k", 10, 84, &RowKernels::q2_k},
                        {"q3_k", 11, 110, &RowKernels::q3_k},
                        {"q4_k", 12, 144, &RowKernels::q4_k},
                        {"q5_k", 13, 176, &RowKernels::q5_k},
                        {"q6_k", 14, 210, &RowKernels::q6_k}};

const Matrix &bench_matrix() {
    static const Matrix m = testing::heavy_tailed_matrix(kRows, kCols, 2024);
    return m;
}

double thread_cpu_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Measurement {
    double cpu_seconds = 0; // per quantization of the whole matrix
    double rmse = 0;
};

std::map<std::string, Measurement> &ggml_results() {
    static std::map<std::string, Measurement> results;
    return results;
}

// Runs quantize once untimed (warm-up), then once per benchmark iteration,
// timing thread CPU time. quantize must not allocate.
template <class Quantize>
double timed_loop(benchmark::State &state, Quantize &&quantize) {
    quantize();
    double cpu = 0;
    for (auto _ : state) {
        const double start = thread_cpu_seconds();
        quantize();
        cpu += thread_cpu_seconds() - start;
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kRows * kCols * sizeof(float)));
    return cpu / double(state.iterations());
}

Measurement measure_ggml(benchmark::State &state, const KType &type) {
    const Matrix &m = bench_matrix();
    std::vector<uint8_t> bytes(kRows * testing::ggml_row_bytes(type.gguf_type, kCols));
    Measurement r;
    r.cpu_seconds = timed_loop(state, [&] {
        testing::ggml_quantize_into(type.gguf_type, m.values.data(), kRows, kCols, nullptr, bytes.data());
    });
    r.rmse = testing::relative_rmse(m, testing::ggml_dequantize(type.gguf_type, bytes.data(), kRows, kCols));
    return r;
}

void BM_GgmlReference(benchmark::State &state, const KType &type) {
    const Measurement r = measure_ggml(state, type);
    ggml_results()[type.name] = r;
    state.counters["rmse"] = r.rmse;
}

void BM_KQuants(benchmark::State &state, const KType &type, bool trellis) {
    const Matrix &m = bench_matrix();
    const auto row = active_row_kernels().*(type.row);
    const uint64_t row_bytes = kCols / 256 * type.block_bytes;
    std::vector<uint8_t> bytes(kRows * row_bytes);
    SearchOptions options;
    options.trellis = trellis;
    const double cpu = timed_loop(state, [&] {
        for (uint64_t r = 0; r < kRows; ++r) row(m.row(r), kCols / 256, options, bytes.data() + r * row_bytes);
    });
    const double rmse = testing::relative_rmse(m, testing::ggml_dequantize(type.gguf_type, bytes.data(), kRows, kCols));
    state.counters["rmse"] = rmse;
    const auto ref = ggml_results().find(type.name);
    if (ref == ggml_results().end()) return; // the ggml benchmark was filtered out
    state.counters["speed_vs_ggml"] = ref->second.cpu_seconds / cpu;
    state.counters["error_vs_ggml"] = rmse / ref->second.rmse;
    state.SetLabel(std::string(active_row_kernels().isa));
}

void register_benchmarks() {
    for (const KType &type : kTypes) {
        const std::string name = type.name;
        benchmark::RegisterBenchmark(("ggml_reference/" + name).c_str(), BM_GgmlReference, type)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("kquants_standard/" + name).c_str(), BM_KQuants, type, false)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("kquants_trellis/" + name).c_str(), BM_KQuants, type, true)->Unit(benchmark::kMillisecond);
    }
}

} // namespace
} // namespace gmat::kquants::bench

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    gmat::kquants::bench::register_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
