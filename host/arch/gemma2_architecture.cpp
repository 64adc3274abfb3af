// Gemma2ForCausalLM (llama.cpp's "gemma2"): sandwich norms stored as w (the
// GGUF holds 1 + w), embeddings scaled by sqrt(hidden) at run time, soft-capped
// attention scores and logits, sliding-window attention on even layers, output
// tied to the embedding.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/gemma_family.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {

// llama.cpp's gemma2 always soft-caps; a config without caps would run differently.
float required_cap(const HfConfig &c, const char *key) {
    auto cap = c.optional_number(key);
    if (!cap || *cap <= 0)
        throw GmatError(c.source() + ": gemma2 needs a positive '" + key + "' (llama.cpp's gemma2 always soft-caps)");
    return static_cast<float>(*cap);
}

class Gemma2Architecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "gemma2"; }
    std::vector<std::string> hf_classes() const override { return {"Gemma2ForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        static const std::map<std::string, std::string> block = gemma_block_names(false);
        return decoder_gguf_tensor_name(hf, {"gemma2", &block, false});
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        add_gemma_hyperparameters(c, {"gemma2", 2, 46}, out);
        out.set("gemma2.attn_logit_softcapping", required_cap(c, "attn_logit_softcapping"));
        out.set("gemma2.final_logit_softcapping", required_cap(c, "final_logit_softcapping"));
    }

    RowPermutation row_permutation(const std::string &, const std::vector<uint64_t> &, const HfConfig &) const override {
        return {};
    }

    std::vector<GeneratedTensor> generated_tensors(const HfConfig &) const override { return {}; }

    void transform_values(const std::string &gguf_name, float *values, uint64_t n, const HfConfig &) const override {
        if (is_gemma_norm(gguf_name)) add_one(values, n);
    }
    bool transforms_values(const std::string &gguf_name) const override { return is_gemma_norm(gguf_name); }

    uint32_t block_count(const HfConfig &c) const override {
        return static_cast<uint32_t>(c.require_uint("num_hidden_layers"));
    }
};

} // namespace

const Architecture &gemma2_architecture() {
    static const Gemma2Architecture arch;
    return arch;
}

} // namespace gmat
