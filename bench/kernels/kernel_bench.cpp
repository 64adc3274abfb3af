// Quantize and dequantize throughput of every quant type the plugins
// provide, per scale strategy, single-threaded and on all threads, each
// next to ggml's ggml_quantize_chunk / to_float on the same Student-t-like
// 4096x4096 matrix (GMAT_BENCH_ROWS changes the row count). Each gmat entry
// runs right after its ggml entry and compares with that entry's time, so
// the ratio compares runs made under nearly the same machine load (when the
// filter leaves the ggml entry out, the gmat entry times ggml itself, the
// same number of runs). Both sides are timed alike: output buffers allocated
// before timing, one untimed warm-up run (first-touch page faults, caches),
// then the mean of the timed runs. GMAT_BENCH_CLOCK=cpu measures CPU time
// instead of wall time (for a loaded machine).
//
// Counters: items_per_second = values/s, bytes_per_second = F32 bytes/s,
// speed_vs_ggml = ggml time / gmat time (> 1: faster than ggml),
// error_vs_ggml = relative RMSE of gmat / of ggml (< 1: more accurate).
//
// "gmat" entries go through the plugin ABI like the CLI does, which includes
// the SDK adapter's scan of the input for NaN/inf (a full extra pass over
// memory). For the legacy types, "kernel" entries call the same kernels
// directly, to show what the kernels themselves cost. Types that require an
// importance vector (iq2_xs, iq2_xxs, iq1_s) are left out: this bench
// quantizes without one; gmat_bench_iq_lattice measures them with one.
#include "kernel_runners.hpp"
#include "plugins/plugin_registry.hpp"

#include <generated_matrices.hpp>
#include <reconstruction_metrics.hpp>

#include "legacy_kernels.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <sstream>
#include <thread>

namespace gmat::bench {
namespace {

// 4096 x 4096 (64 MiB of F32: streams from memory). GMAT_BENCH_ROWS=64
// keeps the matrix in L2 and shows the kernels' compute speed instead.
Shape bench_shape() {
    uint64_t rows = 4096;
    if (const char *env = std::getenv("GMAT_BENCH_ROWS")) rows = std::max<uint64_t>(1, std::strtoull(env, nullptr, 10));
    return {rows, 4096};
}
const Shape kShape = bench_shape();
// Minimum timed seconds per entry (GMAT_BENCH_MIN_SECONDS=0: one run each, CI's smoke run).
double min_seconds() {
    const char *env = std::getenv("GMAT_BENCH_MIN_SECONDS");
    return env ? std::max(0.0, std::strtod(env, nullptr)) : 0.2;
}
const double kMinSeconds = min_seconds();

// Wall time by default; GMAT_BENCH_CLOCK=cpu times the process's CPU time
// instead (both sides alike), which a machine shared with other work does not
// inflate (with threads:2 it adds the threads' times: the work, not the wait).
struct Clock {
    using time_point = double;
    static double now() {
        static const bool cpu = [] {
            const char *env = std::getenv("GMAT_BENCH_CLOCK");
            return env != nullptr && std::string(env) == "cpu";
        }();
        if (!cpu) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
    }
};

double seconds_since(Clock::time_point start) { return Clock::now() - start; }

const testing::Matrix &bench_matrix() {
    static const testing::Matrix matrix = testing::heavy_tailed_matrix(kShape.rows, kShape.cols, 42);
    return matrix;
}

std::vector<std::filesystem::path> plugin_dirs() {
    std::vector<std::filesystem::path> dirs;
    if (const char *env = std::getenv("GMAT_PLUGIN_PATH")) {
        std::stringstream list(env);
        std::string item;
        while (std::getline(list, item, ':'))
            if (!item.empty()) dirs.emplace_back(item);
    }
    if (dirs.empty()) dirs.emplace_back(GMAT_BENCH_PLUGIN_DIR);
    return dirs;
}

const char *strategy_name(gmat_scale_strategy s) { return s == GMAT_SCALE_TRELLIS ? "trellis" : "standard"; }

struct ErrorFigures {
    double gmat = 0, ggml = 0;
};

// Relative RMSE of both quantizers on the bench matrix, computed once per type and strategy.
ErrorFigures error_figures(const QuantType &type, gmat_scale_strategy strategy, bool with_ggml) {
    static std::map<std::string, ErrorFigures> cache;
    const std::string key = type.name() + "/" + strategy_name(strategy);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const unsigned threads = std::thread::hardware_concurrency();
    const testing::Matrix &m = bench_matrix();
    std::vector<float> back(m.values.size());
    ErrorFigures figures;
    std::vector<uint8_t> bytes(kShape.rows * type.row_bytes(kShape.cols));
    gmat_quantize(type, strategy, m.values.data(), kShape, bytes.data(), threads);
    gmat_dequantize(type, bytes.data(), kShape, back.data(), threads);
    figures.gmat = testing::relative_rmse(m, back);
    if (with_ggml) {
        bytes.assign(kShape.rows * ggml_row_bytes(type.gguf_type(), kShape.cols), 0);
        ggml_quantize(type.gguf_type(), m.values.data(), kShape, bytes.data(), threads);
        ggml_dequantize(type.gguf_type(), bytes.data(), kShape, back.data(), threads);
        figures.ggml = testing::relative_rmse(m, back);
    }
    return cache[key] = figures;
}

// Seconds per run of ggml's kernels as their own entries measured them,
// keyed "<type>/<quantize|dequantize>/threads:<n>".
std::map<std::string, double> &ggml_seconds_per_run() {
    static std::map<std::string, double> seconds;
    return seconds;
}

std::string ggml_key(const QuantType &type, const char *op, unsigned threads) {
    return type.name() + "/" + op + "/threads:" + std::to_string(threads);
}

// The ggml entry's time per run; when the filter left that entry out, ggml
// is timed here as the entries time (warm-up, then the mean of `runs` runs;
// run must not allocate: its buffers are made by the caller).
template <class Run>
double ggml_reference_seconds(const std::string &key, int64_t runs, Run run) {
    if (auto it = ggml_seconds_per_run().find(key); it != ggml_seconds_per_run().end()) return it->second;
    run(); // warm-up, untimed
    runs = std::max<int64_t>(1, runs);
    const auto start = Clock::now();
    for (int64_t i = 0; i < runs; ++i) run();
    return ggml_seconds_per_run()[key] = seconds_since(start) / double(runs);
}

void report(benchmark::State &state) {
    const int64_t values = int64_t(kShape.rows * kShape.cols);
    state.SetItemsProcessed(state.iterations() * values);
    state.SetBytesProcessed(state.iterations() * values * int64_t(sizeof(float)));
}

// Times `run` per iteration after one untimed warm-up run; returns the mean
// seconds per run. run must not allocate (buffers are made before).
template <class Run>
double time_runs(benchmark::State &state, Run run) {
    run(); // warm-up: first-touch page faults and caches stay out of the timing
    double total = 0;
    for (auto _ : state) {
        const auto start = Clock::now();
        run();
        const double elapsed = seconds_since(start);
        state.SetIterationTime(elapsed);
        total += elapsed;
    }
    report(state);
    return state.iterations() > 0 ? total / double(state.iterations()) : 0.0;
}

void gmat_quantize_bench(benchmark::State &state, const QuantType *type, gmat_scale_strategy strategy,
                         unsigned threads) {
    const bool with_ggml = ggml_can_run(type->gguf_type());
    const ErrorFigures errors = error_figures(*type, strategy, with_ggml);
    const float *src = bench_matrix().values.data();
    std::vector<uint8_t> ours(kShape.rows * type->row_bytes(kShape.cols));
    const double seconds = time_runs(state, [&] { gmat_quantize(*type, strategy, src, kShape, ours.data(), threads); });
    state.counters["rel_rmse"] = errors.gmat;
    if (!with_ggml) return;
    std::vector<uint8_t> theirs(kShape.rows * ggml_row_bytes(type->gguf_type(), kShape.cols));
    state.counters["speed_vs_ggml"] = ggml_reference_seconds(ggml_key(*type, "quantize", threads), state.iterations(), [&] {
        ggml_quantize(type->gguf_type(), src, kShape, theirs.data(), threads);
    }) / seconds;
    if (errors.ggml > 0) state.counters["error_vs_ggml"] = errors.gmat / errors.ggml;
}

// The legacy kernel without the plugin boundary (see the file comment).
void kernel_quantize_bench(benchmark::State &state, legacy::LegacyType type, const QuantType *plugin_type,
                           gmat_scale_strategy strategy, unsigned threads) {
    const float *src = bench_matrix().values.data();
    const uint64_t row_bytes = plugin_type->row_bytes(kShape.cols);
    std::vector<uint8_t> ours(kShape.rows * row_bytes);
    sdk::QuantParams params;
    params.strategy = strategy;
    const double seconds = time_runs(state, [&] {
        split_rows(kShape.rows, threads, [&](uint64_t first, uint64_t count) {
            legacy::quantize_rows(type, quant::simd_level(), src + first * kShape.cols, count, kShape.cols, params,
                                  ours.data() + first * row_bytes);
        });
    });
    std::vector<uint8_t> theirs(kShape.rows * row_bytes);
    state.counters["speed_vs_ggml"] = ggml_reference_seconds(ggml_key(*plugin_type, "quantize", threads), state.iterations(), [&] {
        ggml_quantize(plugin_type->gguf_type(), src, kShape, theirs.data(), threads);
    }) / seconds;
}

void gmat_dequantize_bench(benchmark::State &state, const QuantType *type, unsigned threads) {
    std::vector<uint8_t> bytes(kShape.rows * type->row_bytes(kShape.cols));
    gmat_quantize(*type, GMAT_SCALE_STANDARD, bench_matrix().values.data(), kShape, bytes.data(),
                  std::thread::hardware_concurrency());
    std::vector<float> out(kShape.rows * kShape.cols);
    const double seconds = time_runs(state, [&] { gmat_dequantize(*type, bytes.data(), kShape, out.data(), threads); });
    if (!ggml_can_run(type->gguf_type())) return;
    state.counters["speed_vs_ggml"] = ggml_reference_seconds(ggml_key(*type, "dequantize", threads), state.iterations(), [&] {
        ggml_dequantize(type->gguf_type(), bytes.data(), kShape, out.data(), threads);
    }) / seconds;
}

void ggml_quantize_bench(benchmark::State &state, const QuantType *type, unsigned threads) {
    const float *src = bench_matrix().values.data();
    std::vector<uint8_t> out(kShape.rows * ggml_row_bytes(type->gguf_type(), kShape.cols));
    ggml_seconds_per_run()[ggml_key(*type, "quantize", threads)] =
        time_runs(state, [&] { ggml_quantize(type->gguf_type(), src, kShape, out.data(), threads); });
}

void ggml_dequantize_bench(benchmark::State &state, const QuantType *type, unsigned threads) {
    std::vector<uint8_t> bytes(kShape.rows * ggml_row_bytes(type->gguf_type(), kShape.cols));
    ggml_quantize(type->gguf_type(), bench_matrix().values.data(), kShape, bytes.data(),
                  std::thread::hardware_concurrency());
    std::vector<float> out(kShape.rows * kShape.cols);
    ggml_seconds_per_run()[ggml_key(*type, "dequantize", threads)] =
        time_runs(state, [&] { ggml_dequantize(type->gguf_type(), bytes.data(), kShape, out.data(), threads); });
}

template <class Fn, class... Args>
void add(const std::string &name, Fn fn, Args... args) {
    auto *b = benchmark::RegisterBenchmark(name.c_str(), fn, args...)->UseManualTime()->Unit(benchmark::kMillisecond);
    if (kMinSeconds > 0) b->MinTime(kMinSeconds);
    else b->Iterations(1);
}

// The legacy kernel index of a type served by the legacy plugin, or -1.
int legacy_index(const QuantType &type) {
    if (type.plugin_name() != "legacy") return -1;
    for (int i = 0; i < legacy::kLegacyTypeCount; ++i)
        if (legacy::quant_kernels[i].desc.name == type.name()) return i;
    return -1;
}

// <type>/<strategy>/quantize/{ggml,gmat,kernel}/threads:<n>, then <type>/dequantize/...
void register_type(const QuantType *type, const std::vector<unsigned> &thread_counts) {
    if (type->flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) return;
    const bool with_ggml = ggml_can_run(type->gguf_type());
    const std::vector<gmat_scale_strategy> strategies =
        type->is_float() ? std::vector{GMAT_SCALE_STANDARD} : std::vector{GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS};
    for (unsigned threads : thread_counts) {
        const std::string suffix = "/threads:" + std::to_string(threads);
        for (gmat_scale_strategy strategy : strategies) {
            const std::string prefix = type->name() + (type->is_float() ? "" : std::string("/") + strategy_name(strategy));
            if (with_ggml && strategy == GMAT_SCALE_STANDARD)
                add(type->name() + "/quantize/ggml" + suffix, ggml_quantize_bench, type, threads);
            add(prefix + "/quantize/gmat" + suffix, gmat_quantize_bench, type, strategy, threads);
            if (const int legacy = legacy_index(*type); legacy >= 0)
                add(prefix + "/quantize/kernel" + suffix, kernel_quantize_bench, legacy::LegacyType(legacy), type,
                    strategy, threads);
        }
        if (with_ggml) add(type->name() + "/dequantize/ggml" + suffix, ggml_dequantize_bench, type, threads);
        add(type->name() + "/dequantize/gmat" + suffix, gmat_dequantize_bench, type, threads);
    }
}

} // namespace
} // namespace gmat::bench

int main(int argc, char **argv) {
    using namespace gmat;
    benchmark::Initialize(&argc, argv);
    // Never destroyed on purpose: plugin code must stay loaded until exit
    // (a static pointer, so a leak checker sees it reachable).
    static const auto *registry = new PluginRegistry(PluginRegistry::load(bench::plugin_dirs()));
    for (const auto &refused : registry->refused())
        std::fprintf(stderr, "plugin refused: %s: %s\n", refused.file.c_str(), refused.reason.c_str());
    const unsigned all = std::max(1u, std::thread::hardware_concurrency());
    std::vector<unsigned> thread_counts = {1};
    if (all > 1) thread_counts.push_back(all);
    for (const QuantType *type : registry->quant_types()) bench::register_type(type, thread_counts);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
