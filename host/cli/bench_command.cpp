// gmat bench: throughput and error of one loaded quant type on a generated
// heavy-tailed matrix, next to ggml's quantizer for the same type when a
// libggml-base.so is given (--ggml-lib or GMAT_GGML_LIB; loaded with dlopen).
#include "cli/commands.hpp"

#include "bench/generated_matrix.hpp"
#include "bench/ggml_library.hpp"
#include "bench/quant_benchmark.hpp"
#include "common/error.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace gmat::cli {

namespace {

struct BenchArgs {
    std::string type;
    uint64_t rows = 1024, cols = 4096, seed = 1;
    unsigned threads = 1;
    std::string strategy = "standard";
    double min_seconds = 1.0;
    std::string ggml_lib;
};

std::string rate(double values_per_second) {
    char text[32];
    // Three significant digits below 10 M values/s (the lattice types run at a fraction of one).
    const double millions = values_per_second / 1e6;
    std::snprintf(text, sizeof text, millions < 10 ? "%.3g M values/s" : "%.1f M values/s", millions);
    return text;
}

void print_row(const std::string &who, const std::string &quantize, const std::string &dequantize,
               const std::string &error) {
    std::printf("  %-11s %-19s %-19s %s\n", who.c_str(), quantize.c_str(), dequantize.c_str(), error.c_str());
}

void print_measurement(const std::string &who, const bench::QuantMeasurement &m, uint64_t values) {
    char error[32];
    std::snprintf(error, sizeof error, "%.6f", m.relative_rmse);
    print_row(who, rate(m.quantize.values_per_second(values)), rate(m.dequantize.values_per_second(values)), error);
}

void print_ratios(const bench::QuantMeasurement &ours, const bench::QuantMeasurement &ggml, uint64_t values) {
    auto ratio = [](double a, double b) { // equal values (0 and 0 too) are 1x
        char text[32];
        std::snprintf(text, sizeof text, "%.3fx", a == b ? 1.0 : b > 0 ? a / b : INFINITY);
        return std::string(text);
    };
    print_row("gmat/ggml", ratio(ours.quantize.values_per_second(values), ggml.quantize.values_per_second(values)),
              ratio(ours.dequantize.values_per_second(values), ggml.dequantize.values_per_second(values)),
              ratio(ours.relative_rmse, ggml.relative_rmse));
    std::printf("  (speed: above 1x is faster than ggml; error: below 1x is more accurate)\n");
}

void print_header(const BenchArgs &args, const QuantType &type, const bench::GeneratedMatrix &matrix,
                  bool with_importance) {
    std::printf("type      %s (plugin %s, GGUF id %u, %.4f bits/weight)\n", type.name().c_str(),
                type.plugin_name().c_str(), type.gguf_type(), type.bits_per_weight());
    std::printf("matrix    %llu x %llu %s, seed %llu\n", (unsigned long long)args.rows, (unsigned long long)args.cols,
                matrix.description.c_str(), (unsigned long long)args.seed);
    std::printf("settings  %u thread%s, strategy %s%s, fastest of repeated runs\n\n", args.threads,
                args.threads == 1 ? "" : "s", args.strategy.c_str(),
                with_importance ? ", importance = column mean squares" : "");
    print_row("", "quantize", "dequantize", "relative RMSE");
    std::fflush(stdout); // before a plugin error reaches stderr
}

// Why ggml cannot be the reference for `type`, or "" when it can.
std::string ggml_unavailable(const bench::GgmlLibrary *ggml, const std::string &why_none, const QuantType &type) {
    const std::string why = ggml ? ggml->mismatch(type) : why_none;
    return why.empty() ? why : "ggml comparison unavailable: " + why;
}

void run(GlobalOptions &global, const BenchArgs &args) {
    const QuantType &type = global.registry().quant_type(args.type);
    if (!type.fits_row(args.cols))
        throw GmatError("bench: --cols " + std::to_string(args.cols) + " is not a multiple of " + type.name() +
                        "'s block of " + std::to_string(type.block_elements()) + " values");
    std::string why_no_ggml;
    const auto ggml = bench::GgmlLibrary::from_option_or_environment(args.ggml_lib, why_no_ggml);
    const std::string unavailable = ggml_unavailable(ggml.get(), why_no_ggml, type);

    const bench::GeneratedMatrix matrix = bench::heavy_tailed_matrix(args.rows, args.cols, args.seed);
    const bool needs_importance = (type.flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) ||
                                  (ggml && unavailable.empty() && ggml->requires_importance(type.gguf_type()));
    const std::vector<float> importance = needs_importance ? bench::column_mean_squares(matrix) : std::vector<float>{};
    bench::BenchSettings settings;
    settings.threads = args.threads;
    settings.strategy = args.strategy == "trellis" ? GMAT_SCALE_TRELLIS : GMAT_SCALE_STANDARD;
    settings.importance = needs_importance ? importance.data() : nullptr;
    settings.min_seconds = args.min_seconds;

    const uint64_t values = args.rows * args.cols;
    print_header(args, type, matrix, needs_importance);
    const bench::QuantMeasurement ours = bench::measure_gmat(type, matrix, settings);
    print_measurement("gmat", ours, values);
    if (!unavailable.empty()) {
        std::printf("\nweighted relative RMSE (w = 3 + x^2/sigma2): gmat %.6f\n", ours.weighted_relative_rmse);
        std::printf("\n%s\n", unavailable.c_str());
        return;
    }
    const bench::QuantMeasurement theirs = bench::measure_ggml(*ggml, type, matrix, settings);
    print_measurement("ggml", theirs, values);
    print_ratios(ours, theirs, values);
    std::printf("\nweighted relative RMSE (w = 3 + x^2/sigma2): gmat %.6f, ggml %.6f, gmat/ggml %.3fx\n",
                ours.weighted_relative_rmse, theirs.weighted_relative_rmse,
                theirs.weighted_relative_rmse > 0 ? ours.weighted_relative_rmse / theirs.weighted_relative_rmse
                                                  : (ours.weighted_relative_rmse > 0 ? INFINITY : 1.0));
    std::printf("\nggml %s from %s\n", ggml->version().c_str(), ggml->path().c_str());
}

} // namespace

void add_bench_command(CLI::App &app, GlobalOptions &global) {
    auto args = std::make_shared<BenchArgs>();
    CLI::App *cmd = app.add_subcommand(
        "bench", "Time one quant type on a generated heavy-tailed matrix: values/s, relative RMSE, and the ratio to "
                 "ggml's quantizer for the same type when --ggml-lib (or GMAT_GGML_LIB) names a libggml-base.so");
    cmd->add_option("--type", args->type, "A loaded type, e.g. q4_k or myplugin:tq2_0")->required();
    cmd->add_option("--rows", args->rows, "Matrix rows (default 1024)")->check(CLI::PositiveNumber);
    cmd->add_option("--cols", args->cols, "Matrix columns, a multiple of the type's block (default 4096)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("-t,--threads", args->threads, "Threads the rows are split over (default 1)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_option("--strategy", args->strategy, "Scale strategy: standard or trellis (default standard)")
        ->check(CLI::IsMember({"standard", "trellis"}));
    cmd->add_option("--seed", args->seed, "Seed of the generated matrix (default 1)");
    cmd->add_option("--min-time", args->min_seconds, "Repeat each kernel for at least this many seconds (default 1)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--ggml-lib", args->ggml_lib, "libggml-base.so to compare with (default: $GMAT_GGML_LIB)");
    cmd->callback([&global, args] { run(global, *args); });
}

} // namespace gmat::cli
