// GptOssForCausalLM (llama.cpp's "gpt-oss"; gpt-oss-20b, gpt-oss-120b): GQA
// attention with biases on q, k, v and o, a learned per-head attention sink
// (self_attn.sinks, an extra softmax logit whose probability is dropped),
// NEOX RoPE with YaRN scaling, sliding-window attention on even layers and
// full attention on odd ones; in every layer a router with a bias whose top-k
// logits are softmaxed into expert weights, and experts computing the clamped
// SwiGLU (gate clamped above at 7, up to [-7, 7], (up + 1) * gate *
// sigmoid(1.702 gate)) with biases. The experts are fused 3-D stacks:
//   mlp.experts.gate_up_proj [experts, hidden, 2 * ff] (HF's dequantized
//     layout: x @ W, gate and up columns interleaved: gate = even columns):
//     ffn_gate_exps / ffn_up_exps are the transposes of the even / odd columns;
//   mlp.experts.down_proj [experts, ff, hidden]: ffn_down_exps is its transpose;
//   released as MXFP4 (quantization_config mxfp4), the blocks hold the
//     transposed layout already ([experts, 2 * ff, hidden] and
//     [experts, hidden, ff]): gate / up are the even / odd rows, down is as it is;
//   gate_up_proj_bias [experts, 2 * ff] splits into even / odd columns too.
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/gpt_oss_config_checks.hpp"
#include "arch/llama_family.hpp"
#include "arch/supported_architectures.hpp"

#include "common/error.hpp"

#include <regex>

namespace gmat {

namespace {

std::map<std::string, std::string> gpt_oss_block_names() {
    auto names = llama_style_block_names();
    for (const char *dense : {"mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"}) names.erase(dense);
    names["post_attention_layernorm.weight"] = "post_attention_norm.weight";
    names["self_attn.sinks"] = "attn_sinks.weight";
    names["mlp.router.weight"] = "ffn_gate_inp.weight";
    names["mlp.router.bias"] = "ffn_gate_inp.bias";
    names["mlp.experts.down_proj_bias"] = "ffn_down_exps.bias";
    return names;
}

// [1] layer, [2] gate_up_proj, gate_up_proj_bias or down_proj.
bool match_experts(const std::string &hf, std::smatch &m) {
    static const std::regex experts(R"(^model\.layers\.(\d+)\.mlp\.experts\.(gate_up_proj_bias|gate_up_proj|down_proj)$)");
    return std::regex_match(hf, m, experts);
}

std::string shape_text(const std::vector<uint64_t> &shape) {
    std::string s;
    for (uint64_t d : shape) s += (s.empty() ? "" : ", ") + std::to_string(d);
    return "[" + s + "]";
}

[[noreturn]] void refuse_shape(const std::string &hf, const std::vector<uint64_t> &shape, const std::string &want) {
    throw GmatError("tensor '" + hf + "' has shape " + shape_text(shape) + "; GptOssForCausalLM expects " + want);
}

class GptOssArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "gpt-oss"; }
    std::vector<std::string> hf_classes() const override { return {"GptOssForCausalLM"}; }

    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        std::smatch m;
        if (match_experts(hf, m)) // the name role recommendations look at; split_tensor cuts them
            return "blk." + m[1].str() +
                   (m[2] == "down_proj" ? ".ffn_down_exps.weight"
                                        : m[2] == "gate_up_proj" ? ".ffn_gate_exps.weight" : ".ffn_gate_exps.bias");
        static const std::map<std::string, std::string> block = gpt_oss_block_names();
        return decoder_gguf_tensor_name(hf, {"gpt-oss", &block});
    }

    std::vector<TensorSlice> split_tensor(const std::string &hf, const std::vector<uint64_t> &shape,
                                          const HfConfig &c) const override {
        std::smatch m;
        if (!match_experts(hf, m)) return {};
        const std::string blk = "blk." + m[1].str();
        const uint64_t ff = c.require_uint("intermediate_size"), hidden = c.require_uint("hidden_size");
        const uint64_t experts = c.require_uint("num_local_experts");
        if (m[2] == "gate_up_proj_bias") {
            if (shape != std::vector<uint64_t>{experts, 2 * ff})
                refuse_shape(hf, shape, "[num_local_experts, 2 * intermediate_size] = " + shape_text({experts, 2 * ff}));
            return {TensorSlice{blk + ".ffn_gate_exps.bias", {experts, ff}, RowBlocks{1, 1, 0, false, 2, 0}},
                    TensorSlice{blk + ".ffn_up_exps.bias", {experts, ff}, RowBlocks{1, 1, 0, false, 2, 1}}};
        }
        const bool mxfp4 = gpt_oss_experts_are_mxfp4(c);
        if (m[2] == "down_proj") {
            if (mxfp4) { // blocks: [experts, hidden, ff], ffn_down_exps as it is
                if (shape != std::vector<uint64_t>{experts, hidden, ff})
                    refuse_shape(hf, shape, "MXFP4 blocks of [num_local_experts, hidden_size, intermediate_size] = " +
                                                shape_text({experts, hidden, ff}));
                return {};
            }
            if (shape != std::vector<uint64_t>{experts, ff, hidden})
                refuse_shape(hf, shape, "[num_local_experts, intermediate_size, hidden_size] = " +
                                            shape_text({experts, ff, hidden}));
            return {TensorSlice{blk + ".ffn_down_exps.weight", {experts, hidden, ff}, RowBlocks{hidden, ff, 0, true}}};
        }
        if (mxfp4) { // blocks: [experts, 2 * ff, hidden], gate rows even, up rows odd
            if (shape != std::vector<uint64_t>{experts, 2 * ff, hidden})
                refuse_shape(hf, shape, "MXFP4 blocks of [num_local_experts, 2 * intermediate_size, hidden_size] = " +
                                            shape_text({experts, 2 * ff, hidden}));
            return {TensorSlice{blk + ".ffn_gate_exps.weight", {experts, ff, hidden}, RowBlocks{1, 2, 0}},
                    TensorSlice{blk + ".ffn_up_exps.weight", {experts, ff, hidden}, RowBlocks{1, 2, 1}}};
        }
        if (shape != std::vector<uint64_t>{experts, hidden, 2 * ff})
            refuse_shape(hf, shape, "[num_local_experts, hidden_size, 2 * intermediate_size] = " +
                                        shape_text({experts, hidden, 2 * ff}));
        return {TensorSlice{blk + ".ffn_gate_exps.weight", {experts, ff, hidden}, RowBlocks{ff, hidden, 0, true, 2, 0}},
                TensorSlice{blk + ".ffn_up_exps.weight", {experts, ff, hidden}, RowBlocks{ff, hidden, 0, true, 2, 1}}};
    }

    // The keys llama.cpp's converter writes for gpt-oss: the common text-model
    // ones (no rope.dimension_count, no vocab_size), the window and the
    // experts' width (intermediate_size, as for the dense width).
    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        check_gpt_oss_config(c);
        const std::string a = "gpt-oss";
        add_llama_family_hyperparameters(c, a, out);
        out.erase(a + ".vocab_size");
        out.erase(a + ".rope.dimension_count");
        out.erase(a + ".attention.key_length");
        out.erase(a + ".attention.value_length");
        if (auto head_dim = c.optional_uint("head_dim")) {
            out.set(a + ".attention.key_length", static_cast<uint32_t>(*head_dim));
            out.set(a + ".attention.value_length", static_cast<uint32_t>(*head_dim));
        }
        out.set(a + ".expert_count", static_cast<uint32_t>(c.require_uint("num_local_experts")));
        out.set(a + ".expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
        out.set(a + ".attention.sliding_window", static_cast<uint32_t>(c.require_uint("sliding_window")));
        out.set(a + ".expert_feed_forward_length", static_cast<uint32_t>(c.require_uint("intermediate_size")));
    }
};

} // namespace

const Architecture &gpt_oss_architecture() {
    static const GptOssArchitecture arch;
    return arch;
}

} // namespace gmat
