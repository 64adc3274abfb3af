// Qwen2ForCausalLM (llama.cpp's "qwen2"): Llama's layout with q/k/v biases and
// NEOX RoPE, which rotates HF's (first half, second half) pairs as they are,
// so q/k rows keep their order.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/llama_family.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {

class Qwen2Architecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "qwen2"; }
    std::vector<std::string> hf_classes() const override { return {"Qwen2ForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        static const std::map<std::string, std::string> block = llama_style_block_names();
        return decoder_gguf_tensor_name(hf, {"qwen2", &block});
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        // llama.cpp's qwen2 attends over the whole context; HF's windowed layers would differ.
        if (c.optional_bool("use_sliding_window").value_or(false))
            throw GmatError(c.source() + ": use_sliding_window = true is not supported for qwen2 (llama.cpp's qwen2 "
                            "has no sliding-window attention)");
        add_llama_family_hyperparameters(c, "qwen2", out);
    }
};

} // namespace

const Architecture &qwen2_architecture() {
    static const Qwen2Architecture arch;
    return arch;
}

} // namespace gmat
