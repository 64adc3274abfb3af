#include "oracle/quantize_model.hpp"

#include "llama_runtime.hpp"

#include <llama.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace oracle {

std::vector<llama_model_imatrix_data> imatrix_data(const ImportanceValues &imatrix) {
    std::vector<llama_model_imatrix_data> entries; // llama.cpp reads it up to the entry whose name is null
    entries.reserve(imatrix.size() + 1);
    for (const auto &[name, values] : imatrix) entries.push_back({name.c_str(), values.data(), values.size()});
    entries.push_back({nullptr, nullptr, 0});
    return entries;
}

void quantize_model(const std::filesystem::path &input, const std::filesystem::path &output, int32_t ftype,
                    int n_threads, const ImportanceValues *imatrix) {
    detail::init_llama_runtime();
    if (!std::filesystem::is_regular_file(input))
        throw std::runtime_error(input.string() + ": no such model file to quantize");
    detail::take_logged_errors();
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.nthread = n_threads;
    params.ftype = static_cast<llama_ftype>(ftype);
    std::vector<llama_model_imatrix_data> entries;
    if (imatrix) {
        entries = imatrix_data(*imatrix);
        params.imatrix = entries.data();
    }
    const uint32_t status = llama_model_quantize(input.c_str(), output.c_str(), &params);
    if (status != 0)
        throw std::runtime_error("llama_model_quantize " + input.string() + " -> " + output.string() + " (ftype " +
                                 std::to_string(ftype) + ") failed with status " + std::to_string(status) +
                                 detail::logged_errors_suffix());
}

} // namespace oracle
