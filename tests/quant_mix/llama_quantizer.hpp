// llama.cpp's quantizer (the prebuilt oracle) as the reference for resolve_mix:
// run llama_model_quantize on a file and read back the type of every tensor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quant_mix_test {

struct LlamaQuantizeResult {
    bool ok = false;
    std::string errors; // what llama.cpp logged at error level
};

// Importance per tensor name (llama.cpp's imatrix entries: ne[0] * n_expert values).
using ImatrixEntries = std::map<std::string, std::vector<float>>;

// llama_model_quantize with default params, 2 threads; with `imatrix`, passed as
// the null-terminated llama_model_imatrix_data array llama-quantize builds.
LlamaQuantizeResult quantize_with_llama(const std::filesystem::path &input, const std::filesystem::path &output,
                                        uint32_t llama_ftype, const ImatrixEntries *imatrix = nullptr);

// Tensor name -> lowercase ggml type name (q4_k, f16...) as stored in the GGUF.
// Throws std::runtime_error when ggml cannot read the file.
std::map<std::string, std::string> tensor_types_in_gguf(const std::filesystem::path &path);

} // namespace quant_mix_test
