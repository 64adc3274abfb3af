// iq3_s, iq3_xxs, iq2_s, iq2_xs, iq2_xxs, iq1_s and iq1_m quantize time and error, one thread, against
// ggml_quantize_chunk on the same matrix in the same process:
//
//   gmat_bench_iq_lattice [rows] [cols] [standard|trellis|both] [type]
//
// (default 4096 x 4096, both strategies, every type). The matrix is heavy-tailed (Student-t with 4
// degrees of freedom, per-row scales spread over a factor of 10 and a few
// outlier columns); the importance vector is heavy-tailed too (log-normal,
// sigma 1.5). Times are the thread's CPU time, so other processes sharing the
// cores skew the ratios less. Printed per strategy and importance:
//   speed  ggml's CPU seconds / ours (> 1: we are faster)
//   error  our error / ggml's: relative RMSE without importance, and with it
//          the importance-weighted error ggml's imatrix search minimises,
//          w = importance * sqrt(f * mean square of the 256-value block + x^2)
//          with the type's f (2 for iq3_*, iq2_s, iq1_*; 1 for iq2_xs, iq2_xxs)
// ggml's iq2_xs, iq2_xxs and iq1_s quantizers need an importance vector, and
// llama.cpp writes iq1_m only with one: for them the rows without one are skipped.
#include "iq1m_format.hpp"
#include "iq1m_kernels.hpp"
#include "iq1s_format.hpp"
#include "iq1s_kernels.hpp"
#include "iq2s_format.hpp"
#include "iq2s_kernels.hpp"
#include "iq2xs_format.hpp"
#include "iq2xs_kernels.hpp"
#include "iq2xxs_format.hpp"
#include "iq2xxs_kernels.hpp"
#include "iq3s_format.hpp"
#include "iq3s_kernels.hpp"
#include "iq3xxs_format.hpp"
#include "iq3xxs_kernels.hpp"

#include <ggml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

struct LatticeType {
    const char *name;
    ggml_type ggml;
    size_t block_bytes;
    double sigma_factor;
    bool needs_importance;
    void (*quantize)(const float *, uint64_t, uint64_t, const gmat::sdk::QuantParams &, void *);
    void (*dequantize)(const void *, uint64_t, uint64_t, float *);
};

const LatticeType kTypes[] = {
    {"iq3_s", GGML_TYPE_IQ3_S, sizeof(gmat::iqlattice::Iq3sBlock), 2.0, false, &gmat::iqlattice::quantize_iq3s,
     &gmat::iqlattice::dequantize_iq3s},
    {"iq3_xxs", GGML_TYPE_IQ3_XXS, sizeof(gmat::iqlattice::Iq3xxsBlock), 2.0, false, &gmat::iqlattice::quantize_iq3xxs,
     &gmat::iqlattice::dequantize_iq3xxs},
    {"iq2_s", GGML_TYPE_IQ2_S, sizeof(gmat::iqlattice::Iq2sBlock), 2.0, false, &gmat::iqlattice::quantize_iq2s,
     &gmat::iqlattice::dequantize_iq2s},
    {"iq2_xs", GGML_TYPE_IQ2_XS, sizeof(gmat::iqlattice::Iq2xsBlock), 1.0, true, &gmat::iqlattice::quantize_iq2xs,
     &gmat::iqlattice::dequantize_iq2xs},
    {"iq2_xxs", GGML_TYPE_IQ2_XXS, sizeof(gmat::iqlattice::Iq2xxsBlock), 1.0, true, &gmat::iqlattice::quantize_iq2xxs,
     &gmat::iqlattice::dequantize_iq2xxs},
    {"iq1_s", GGML_TYPE_IQ1_S, sizeof(gmat::iqlattice::Iq1sBlock), 2.0, true, &gmat::iqlattice::quantize_iq1s,
     &gmat::iqlattice::dequantize_iq1s},
    {"iq1_m", GGML_TYPE_IQ1_M, sizeof(gmat::iqlattice::Iq1mBlock), 2.0, true, &gmat::iqlattice::quantize_iq1m,
     &gmat::iqlattice::dequantize_iq1m},
};

double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::vector<float> heavy_tailed(uint64_t rows, uint64_t cols) {
    std::mt19937 rng(2024);
    std::student_t_distribution<float> t(4.0f);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> x(rows * cols);
    std::vector<bool> outlier(cols);
    for (uint64_t c = 0; c < cols; ++c) outlier[c] = u(rng) < 0.01f;
    for (uint64_t r = 0; r < rows; ++r) {
        const float scale = std::pow(10.0f, u(rng)) * 0.01f;
        for (uint64_t c = 0; c < cols; ++c) x[r * cols + c] = scale * t(rng) * (outlier[c] ? 8.0f : 1.0f);
    }
    return x;
}

std::vector<float> importance(uint64_t cols) {
    std::mt19937 rng(2025);
    std::normal_distribution<float> n(0.0f, 1.5f);
    std::vector<float> w(cols);
    for (float &v : w) v = std::exp(n(rng));
    return w;
}

double error(const std::vector<float> &x, const std::vector<float> &y, const float *w, uint64_t cols,
             double sigma_factor) {
    double err = 0, ref = 0;
    for (size_t b = 0; b < x.size(); b += 256) {
        double sumx2 = 0;
        for (size_t i = b; i < b + 256; ++i) sumx2 += double(x[i]) * x[i];
        const double sigma2 = sigma_factor * sumx2 / 256;
        for (size_t i = b; i < b + 256; ++i) {
            const double weight = w ? w[i % cols] * std::sqrt(sigma2 + double(x[i]) * x[i]) : 1.0;
            err += weight * (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
            ref += weight * double(x[i]) * x[i];
        }
    }
    return std::sqrt(err / ref);
}

} // namespace

int main(int argc, char **argv) {
    const uint64_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4096;
    const uint64_t cols = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 4096;
    const std::string which = argc > 3 ? argv[3] : "both";
    if (rows == 0 || cols == 0 || cols % 256 != 0 || (which != "standard" && which != "trellis" && which != "both")) {
        std::fprintf(stderr, "usage: %s [rows] [cols, a multiple of 256] [standard|trellis|both] [type]\n", argv[0]);
        return 2;
    }
    const std::string only = argc > 4 ? argv[4] : "";
    const std::vector<float> x = heavy_tailed(rows, cols);
    const std::vector<float> imp = importance(cols);
    std::vector<float> y(x.size());
    std::printf("%llu x %llu heavy-tailed matrix, 1 thread (CPU time)\n", (unsigned long long)rows,
                (unsigned long long)cols);
    std::printf("%-8s %-9s %-10s %9s %9s %8s %10s %10s %8s\n", "type", "strategy", "importance", "ours s", "ggml s",
                "speed", "ours err", "ggml err", "error");
    for (const LatticeType &type : kTypes) {
        if (!only.empty() && only != type.name) continue;
        std::vector<uint8_t> q(rows * cols / 256 * type.block_bytes);
        ggml_quantize_init(type.ggml);
        for (const bool weighted : {false, true}) {
            if (type.needs_importance && !weighted) continue;
            const float *w = weighted ? imp.data() : nullptr;
            double t0 = thread_seconds();
            ggml_quantize_chunk(type.ggml, x.data(), q.data(), 0, int64_t(rows), int64_t(cols), w);
            const double ggml_s = thread_seconds() - t0;
            ggml_get_type_traits(type.ggml)->to_float(q.data(), y.data(), int64_t(y.size()));
            const double ggml_err = error(x, y, w, cols, type.sigma_factor);
            for (const gmat_scale_strategy s : {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS}) {
                const char *name = s == GMAT_SCALE_STANDARD ? "standard" : "trellis";
                if (which != "both" && which != name) continue;
                gmat::sdk::QuantParams p;
                p.strategy = s;
                p.importance = w;
                type.quantize(x.data(), 1, cols, p, q.data()); // builds the lattice lists once
                t0 = thread_seconds();
                type.quantize(x.data(), rows, cols, p, q.data());
                const double ours_s = thread_seconds() - t0;
                type.dequantize(q.data(), rows, cols, y.data());
                const double ours_err = error(x, y, w, cols, type.sigma_factor);
                std::printf("%-8s %-9s %-10s %9.3f %9.3f %7.2fx %10.5f %10.5f %8.4f\n", type.name, name,
                            weighted ? "yes" : "no", ours_s, ggml_s, ggml_s / ours_s, ours_err, ggml_err,
                            ours_err / ggml_err);
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
