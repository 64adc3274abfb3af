// Gemma3ForCausalLM, text only (llama.cpp's "gemma3"): Gemma2's layout plus
// per-head q/k norms (also stored as w), no attention soft-capping, a local
// RoPE base on sliding layers (rope.freq_base_swa) and a per-layer sliding
// pattern (one global layer in every sliding_window_pattern).
#include "arch/gemma_family.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {

class Gemma3Architecture final : public GemmaFamilyArchitecture {
public:
    Gemma3Architecture() : GemmaFamilyArchitecture({"gemma3", 6, 62, true}) {}

    std::vector<std::string> hf_classes() const override { return {"Gemma3ForCausalLM"}; }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        if (c.optional_number("attn_logit_softcapping"))
            throw GmatError(c.source() + ": attn_logit_softcapping is set, but llama.cpp's gemma3 does not soft-cap "
                            "attention");
        add_gemma_hyperparameters(c, traits(), out);
        // HF's Gemma3 defaults differ from Llama's: global base 1e6, local base 1e4.
        out.set("gemma3.rope.freq_base", static_cast<float>(c.optional_number("rope_theta").value_or(1000000.0)));
        out.set("gemma3.rope.freq_base_swa",
                static_cast<float>(c.optional_number("rope_local_base_freq").value_or(10000.0)));
        if (auto cap = c.optional_number("final_logit_softcapping"); cap && *cap > 0)
            out.set("gemma3.final_logit_softcapping", static_cast<float>(*cap));
    }
};

} // namespace

const Architecture &gemma3_architecture() {
    static const Gemma3Architecture arch;
    return arch;
}

} // namespace gmat
