// What Gemma2ForCausalLM and Gemma3ForCausalLM share: sandwich norms stored as
// w where llama.cpp multiplies by the stored value (HF computes x * (1 + w)),
// sliding-window layers, an attention scale llama.cpp derives itself, an
// output tied to the embedding, and no row reordering or generated tensors.
#pragma once

#include "arch/architecture.hpp"

#include <map>
#include <string>

namespace gmat {

struct GemmaTraits {
    std::string arch;                  // "gemma2" / "gemma3"
    uint32_t default_window_pattern;   // llama.cpp's default when no pattern key is written
    uint64_t n_layer_scaled_by_embd;   // the layer count llama.cpp treats as 27B (scale by n_embd/n_head)
    bool qk_norm;                      // per-head q/k norms (Gemma3), also stored as w
};

// The Llama-family keys plus key/value length, sliding window and its
// per-layer pattern; checks the attention scale and activation llama.cpp assumes.
void add_gemma_hyperparameters(const HfConfig &config, const GemmaTraits &traits, Metadata &out);

// The Architecture part every Gemma shares; a class adds its HF class names
// and the hyperparameters beyond add_gemma_hyperparameters.
class GemmaFamilyArchitecture : public Architecture {
public:
    explicit GemmaFamilyArchitecture(GemmaTraits traits);

    std::string gguf_architecture() const override { return traits_.arch; }
    // Llama's layer parts plus the pre/post feed-forward norms (and q/k norms);
    // no lm_head, as llama.cpp ties the output to the embedding.
    std::optional<std::string> gguf_tensor_name(const std::string &hf_name) const override;
    RowPermutation row_permutation(const std::string &, const std::vector<uint64_t> &, const HfConfig &) const override {
        return {};
    }
    std::vector<GeneratedTensor> generated_tensors(const HfConfig &) const override { return {}; }
    // RMSNorm weights: w -> 1 + w, what llama.cpp multiplies by.
    void transform_values(const std::string &gguf_name, float *values, uint64_t n, const HfConfig &) const override;
    bool transforms_values(const std::string &gguf_name) const override;

protected:
    const GemmaTraits &traits() const { return traits_; }

private:
    GemmaTraits traits_;
    std::map<std::string, std::string> block_names_;
};

} // namespace gmat
