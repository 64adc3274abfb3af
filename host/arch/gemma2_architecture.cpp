// Gemma2ForCausalLM (llama.cpp's "gemma2"): sandwich norms stored as w (the
// GGUF holds 1 + w), embeddings scaled by sqrt(hidden) at run time, soft-capped
// attention scores and logits, sliding-window attention on even layers, output
// tied to the embedding.
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

class Gemma2Architecture final : public GemmaFamilyArchitecture {
public:
    Gemma2Architecture() : GemmaFamilyArchitecture({"gemma2", 2, 46, false}) {}

    std::vector<std::string> hf_classes() const override { return {"Gemma2ForCausalLM"}; }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        add_gemma_hyperparameters(c, traits(), out);
        out.set("gemma2.attn_logit_softcapping", required_cap(c, "attn_logit_softcapping"));
        out.set("gemma2.final_logit_softcapping", required_cap(c, "final_logit_softcapping"));
    }
};

} // namespace

const Architecture &gemma2_architecture() {
    static const Gemma2Architecture arch;
    return arch;
}

} // namespace gmat
