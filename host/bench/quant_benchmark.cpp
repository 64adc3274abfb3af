#include "bench/quant_benchmark.hpp"

#include "bench/reconstruction_error.hpp"
#include "bench/row_ranges.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

namespace gmat::bench {

namespace {

// Runs `once` until min_seconds have passed (at least once, at most max_runs) and keeps the fastest run.
KernelTiming time_repeatedly(const BenchSettings &settings, const std::function<void()> &once) {
    using Clock = std::chrono::steady_clock;
    KernelTiming timing;
    const auto start = Clock::now();
    do {
        const auto begin = Clock::now();
        once();
        const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
        timing.best_seconds = timing.runs == 0 ? seconds : std::min(timing.best_seconds, seconds);
        ++timing.runs;
    } while (timing.runs < settings.max_runs &&
             std::chrono::duration<double>(Clock::now() - start).count() < settings.min_seconds);
    return timing;
}

// Times decoding `bytes` with `decode(begin_row, end_row, out)` and scores the result.
void time_dequantize(QuantMeasurement &out, const GeneratedMatrix &m, const BenchSettings &settings,
                     const std::function<void(uint64_t, uint64_t, float *)> &decode) {
    std::vector<float> restored(m.values.size());
    out.dequantize = time_repeatedly(settings, [&] {
        run_row_ranges(m.rows, settings.threads,
                       [&](uint64_t begin, uint64_t end) { decode(begin, end, restored.data() + begin * m.cols); });
    });
    out.relative_rmse = relative_rmse(m.values.data(), restored.data(), m.values.size());
    out.weighted_relative_rmse = weighted_relative_rmse(m.values.data(), restored.data(), m.rows, m.cols);
}

} // namespace

QuantMeasurement measure_gmat(const QuantType &type, const GeneratedMatrix &m, const BenchSettings &settings) {
    const uint64_t row_bytes = type.row_bytes(m.cols);
    const QuantOptions options{settings.strategy, 0.3f, settings.importance};
    QuantMeasurement out;
    out.bytes.resize(m.rows * row_bytes);
    // One untimed row first: tables a kernel builds on its first call (the
    // lattice types' neighbour lists) are not part of its speed.
    type.quantize_rows(m.row(0), 1, m.cols, options, out.bytes.data());
    out.quantize = time_repeatedly(settings, [&] {
        run_row_ranges(m.rows, settings.threads, [&](uint64_t begin, uint64_t end) {
            type.quantize_rows(m.row(begin), end - begin, m.cols, options, out.bytes.data() + begin * row_bytes);
        });
    });
    time_dequantize(out, m, settings, [&](uint64_t begin, uint64_t end, float *dst) {
        type.dequantize_rows(out.bytes.data() + begin * row_bytes, end - begin, m.cols, dst);
    });
    return out;
}

QuantMeasurement measure_ggml(const GgmlLibrary &ggml, const QuantType &type, const GeneratedMatrix &m,
                              const BenchSettings &settings) {
    const uint64_t row_bytes = type.row_bytes(m.cols);
    const uint32_t id = type.gguf_type();
    QuantMeasurement out;
    out.bytes.resize(m.rows * row_bytes);
    // One untimed row first: ggml builds its i-quant grids and neighbour
    // tables on the first call, which would otherwise count as its speed.
    ggml.quantize(id, m.row(0), 1, m.cols, settings.importance, out.bytes.data());
    out.quantize = time_repeatedly(settings, [&] {
        run_row_ranges(m.rows, settings.threads, [&](uint64_t begin, uint64_t end) {
            ggml.quantize(id, m.row(begin), end - begin, m.cols, settings.importance,
                          out.bytes.data() + begin * row_bytes);
        });
    });
    time_dequantize(out, m, settings, [&](uint64_t begin, uint64_t end, float *dst) {
        const uint8_t *src = out.bytes.data() + begin * row_bytes;
        if (!ggml.dequantize(id, src, (end - begin) * m.cols, dst)) type.dequantize_rows(src, end - begin, m.cols, dst);
    });
    return out;
}

} // namespace gmat::bench
