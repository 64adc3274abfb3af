// Times llama.cpp's own quantizer (llama_model_quantize from the prebuilt
// library) on a GGUF: the reference gmat's end-to-end benchmark compares with.
// Usage: llama_quantize_timer IN.gguf OUT.gguf FTYPE_ID THREADS
#include <llama.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s IN.gguf OUT.gguf FTYPE_ID THREADS\n", argv[0]);
        return 2;
    }
    llama_backend_init();
    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = static_cast<llama_ftype>(std::atoi(argv[3]));
    params.nthread = std::atoi(argv[4]);
    const auto start = std::chrono::steady_clock::now();
    const uint32_t rc = llama_model_quantize(argv[1], argv[2], &params);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rc != 0) {
        std::fprintf(stderr, "llama_model_quantize failed (%u)\n", rc);
        return 1;
    }
    std::printf("%.3f\n", seconds);
    return 0;
}
