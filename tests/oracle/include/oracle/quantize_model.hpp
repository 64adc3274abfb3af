// llama.cpp's own model quantizer (what `llama-quantize` runs), as the baseline
// gmat's exporter is compared against.
#pragma once

#include <llama.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace oracle {

// Per weight tensor (GGUF name), the importance of each input column as
// llama-quantize hands it to llama_model_quantize: the mean squared activation
// (sum over tokens / token count), one row length per matrix.
using ImportanceValues = std::map<std::string, std::vector<float>>;

// `imatrix` as llama_model_quantize_params::imatrix takes it: an entry per
// tensor pointing into `imatrix` (which must outlive the array), then the
// entry with a null name that ends it.
std::vector<llama_model_imatrix_data> imatrix_data(const ImportanceValues &imatrix);

// Quantizes the GGUF at `input` to `output` with llama_model_quantize using
// llama.cpp's default mix for `ftype` (a llama_ftype value such as
// LLAMA_FTYPE_MOSTLY_Q8_0 = 7), with `imatrix` as its importance matrix when
// given (its mixes then follow llama.cpp's with-imatrix rules, and the types
// llama.cpp only makes with one become available). Throws std::runtime_error
// naming both paths when llama.cpp reports failure.
void quantize_model(const std::filesystem::path &input, const std::filesystem::path &output, int32_t ftype,
                    int n_threads = 2, const ImportanceValues *imatrix = nullptr);

} // namespace oracle
