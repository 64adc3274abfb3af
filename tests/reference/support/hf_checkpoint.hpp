// Reads a HuggingFace checkpoint folder in C++ (config.json plus single-file or
// sharded safetensors, F32/F16/BF16 widened to float): the input side of the
// test that checks llama_reference.py against llama.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace reference::testing {

struct HfTensor {
    std::vector<int64_t> shape; // HF order: [out, in] for Linear weights
    std::vector<float> values;
};

struct HfLlamaConfig {
    int64_t hidden = 0, intermediate = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, vocab = 0;
    int64_t max_pos = 0;
    double rms_eps = 0, rope_theta = 0;
    bool tied = false;
    bool llama3_rope = false;
    double rope_factor = 1, low_freq_factor = 1, high_freq_factor = 1;
    int64_t original_max_pos = 0;
};

HfLlamaConfig read_hf_llama_config(const std::filesystem::path &model_dir);
std::map<std::string, HfTensor> read_hf_tensors(const std::filesystem::path &model_dir);

} // namespace reference::testing
