// Times llama.cpp's own quantizer (llama_model_quantize from the prebuilt
// library) on a GGUF: the reference gmat's end-to-end benchmark compares with.
// Usage: llama_quantize_timer IN.gguf OUT.gguf MIX THREADS [IMATRIX]
//   MIX: a mix name as gmat's profiles spell it (q4_k_m, iq2_xs, ...);
//   IMATRIX: llama-imatrix's GGUF or .dat, handed to the quantizer as the
//   null-terminated llama_model_imatrix_data array (read before timing).
#include "imatrix/importance_matrix.hpp"
#include "quant_mix/mix_names.hpp"

#include <llama.h>
#include <oracle/quantize_model.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

int main(int argc, char **argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr, "usage: %s IN.gguf OUT.gguf MIX THREADS [IMATRIX]\n", argv[0]);
        return 2;
    }
    try {
        llama_backend_init();
        llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
        llama_model_quantize_params params = llama_model_quantize_default_params();
        params.ftype = static_cast<llama_ftype>(gmat::llama_ftype_of(argv[3]));
        params.nthread = std::atoi(argv[4]);
        gmat::ImportanceMatrix imatrix;
        std::vector<llama_model_imatrix_data> entries;
        if (argc == 6) {
            imatrix = gmat::ImportanceMatrix::load(argv[5]);
            entries = oracle::imatrix_data(imatrix.entries());
            params.imatrix = entries.data();
        }
        const auto start = std::chrono::steady_clock::now();
        const uint32_t rc = llama_model_quantize(argv[1], argv[2], &params);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (rc != 0) {
            std::fprintf(stderr, "llama_model_quantize %s -> %s (%s) failed (%u)\n", argv[1], argv[2], argv[3], rc);
            return 1;
        }
        std::printf("%.3f\n", seconds);
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "llama_quantize_timer: %s\n", e.what());
        return 1;
    }
}
