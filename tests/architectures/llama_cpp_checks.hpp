// The two acceptance checks every architecture passes, as gtest expectations:
// its F32 export computes the HF forward pass in llama.cpp, and its Q4_K_M
// export holds the types llama_model_quantize picks and runs as well.
#pragma once

#include "arch_model.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace gmat::test {

// Exports F32, runs it in llama.cpp and expects max |logit - HF reference| <= 1e-3;
// prints and records the error. Returns the F32 file.
std::filesystem::path expect_f32_matches_hf(const ArchModel &model);

// ggml tensor type by tensor name.
std::map<std::string, uint32_t> gguf_tensor_types(const std::filesystem::path &file);

// Exports Q4_K_M, quantizes our `source_type` export (f32, or bf16 as users
// start from) with llama_model_quantize, expects every tensor's type to match,
// finite logits and a KL divergence from F32 within 1.5x of llama.cpp's file.
// Returns our types for further checks.
std::map<std::string, uint32_t> expect_q4_k_m_like_llama_cpp(const ArchModel &model,
                                                             const std::string &source_type = "f32");

// The same for any mix: our `mix` export (e.g. "mxfp4_moe") against
// llama_model_quantize with `llama_ftype` (38 = LLAMA_FTYPE_MOSTLY_MXFP4_MOE)
// on our `source_type` export.
std::map<std::string, uint32_t> expect_mix_like_llama_cpp(const ArchModel &model, const std::string &mix,
                                                          int llama_ftype, const std::string &source_type);

} // namespace gmat::test
