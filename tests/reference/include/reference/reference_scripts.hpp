// C++ entry points to the Python reference scripts in tests/reference (run with
// the GMAT_PYTHON_NUMPY interpreter found at configure time). Failures throw
// std::runtime_error carrying the script's own error output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace reference {

// Mirrors make_llama_checkpoint.py's options (same defaults).
struct CheckpointOptions {
    int hidden = 64;
    int intermediate = 160;
    int layers = 2;
    int heads = 4;
    int kv_heads = 2;
    std::optional<int> head_dim; // unset: hidden / heads, and not written to config.json
    int vocab = 256;
    int max_pos = 256;
    std::string dtype = "f32"; // f32 | f16 | bf16
    bool tied = false;
    int shards = 1;
    int seed = 0;
    double rope_theta = 10000.0;
    double rms_eps = 1e-5;
    std::string architecture = "LlamaForCausalLM"; // or MistralForCausalLM
    bool rope_scaling_llama3 = false;
};

// An F32 checkpoint of about 25 MB (4 layers, hidden 256, vocab 4096): big
// enough that import and export take a noticeable while, for tests that kill
// or race them.
inline CheckpointOptions slow_checkpoint_options() {
    CheckpointOptions o;
    o.hidden = 256;
    o.intermediate = 704;
    o.layers = 4;
    o.heads = 8;
    o.kv_heads = 4;
    o.vocab = 4096;
    o.seed = 3;
    return o;
}

// Writes a random HF checkpoint (config.json, generation_config.json, safetensors).
void make_llama_checkpoint(const std::filesystem::path &out_dir, const CheckpointOptions &options = {});

// n_tokens x vocab logits of the HF forward pass (float64 inside, float32 out).
std::vector<float> llama_reference_logits(const std::filesystem::path &model_dir, const std::vector<int32_t> &tokens);

// Runs `python3 <GMAT_REFERENCE_DIR>/<script> args...`; returns its combined
// stdout+stderr, throws (with that output) on a non-zero exit.
std::string run_reference_script(const std::string &script, const std::vector<std::string> &args);

} // namespace reference
