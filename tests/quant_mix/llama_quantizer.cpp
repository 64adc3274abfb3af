#include "llama_quantizer.hpp"

#include <ggml-backend.h>
#include <gguf.h>
#include <llama.h>
#include <oracle/quantize_model.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace quant_mix_test {
namespace {

std::mutex g_log_mutex;
std::string g_logged_errors;

// llama_model_quantize logs a line per tensor; keep only errors (set GMAT_ORACLE_VERBOSE to see all).
void keep_errors(ggml_log_level level, const char *text, void *verbose) {
    std::lock_guard lock(g_log_mutex);
    if (level == GGML_LOG_LEVEL_ERROR) g_logged_errors += text;
    if (verbose != nullptr) std::fputs(text, stderr);
}

void init_llama_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        llama_log_set(keep_errors, std::getenv("GMAT_ORACLE_VERBOSE") ? reinterpret_cast<void *>(1) : nullptr);
        llama_backend_init();
        ggml_backend_load_all_from_path(GMAT_ORACLE_LIB_DIR);
    });
}

std::string lowercase(std::string text) {
    for (char &c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

} // namespace

LlamaQuantizeResult quantize_with_llama(const std::filesystem::path &input, const std::filesystem::path &output,
                                        uint32_t ftype, const ImatrixEntries *imatrix) {
    init_llama_once();
    {
        std::lock_guard lock(g_log_mutex);
        g_logged_errors.clear();
    }
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.nthread = 2;
    params.ftype = static_cast<enum llama_ftype>(ftype);
    std::vector<llama_model_imatrix_data> entries;
    if (imatrix != nullptr) {
        entries = oracle::imatrix_data(*imatrix);
        params.imatrix = entries.data();
    }
    const bool ok = llama_model_quantize(input.c_str(), output.c_str(), &params) == 0;
    std::lock_guard lock(g_log_mutex);
    return {ok, g_logged_errors};
}

std::map<std::string, std::string> tensor_types_in_gguf(const std::filesystem::path &path) {
    gguf_context *gguf = gguf_init_from_file(path.c_str(), {true, nullptr});
    if (gguf == nullptr) throw std::runtime_error("ggml could not read GGUF " + path.string());
    std::map<std::string, std::string> types;
    for (int64_t i = 0; i < gguf_get_n_tensors(gguf); ++i)
        types[gguf_get_tensor_name(gguf, i)] = lowercase(ggml_type_name(gguf_get_tensor_type(gguf, i)));
    gguf_free(gguf);
    return types;
}

} // namespace quant_mix_test
