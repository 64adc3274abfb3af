// MixtralForCausalLM (llama.cpp's "llama" with experts): Llama's attention,
// and in place of the MLP a router (block_sparse_moe.gate) choosing
// num_experts_per_tok of num_local_experts gated MLPs per token. Each expert's
// w1/w3/w2 is one store tensor; the GGUF stacks them per layer into
// ffn_gate_exps/ffn_up_exps/ffn_down_exps ([n_expert, rows, cols]).
#include "arch/architecture.hpp"
#include "arch/decoder_tensor_names.hpp"
#include "arch/llama_family.hpp"

#include <regex>

namespace gmat {

namespace {

// HF expert projection -> the stacked GGUF tensor it is a slice of.
const std::map<std::string, std::string> &expert_tensor_names() {
    static const std::map<std::string, std::string> names{
        {"w1", "ffn_gate_exps.weight"}, {"w3", "ffn_up_exps.weight"}, {"w2", "ffn_down_exps.weight"}};
    return names;
}

std::map<std::string, std::string> mixtral_block_names() {
    auto names = llama_style_block_names();
    names["block_sparse_moe.gate.weight"] = "ffn_gate_inp.weight"; // the router, kept F32 by the mixes
    return names;
}

class MixtralArchitecture final : public Architecture {
public:
    std::string gguf_architecture() const override { return "llama"; }
    std::vector<std::string> hf_classes() const override { return {"MixtralForCausalLM"}; }

    // Expert tensors answer with the stacked tensor they belong to (what
    // recommendations and role rules look at); plan_export stacks them.
    std::optional<std::string> gguf_tensor_name(const std::string &hf) const override {
        if (auto slot = stacked_tensor(hf)) return slot->gguf_name;
        static const std::map<std::string, std::string> block = mixtral_block_names();
        return decoder_gguf_tensor_name(hf, {"mixtral", &block});
    }

    std::optional<StackedSlot> stacked_tensor(const std::string &hf) const override {
        static const std::regex expert(R"(^model\.layers\.(\d+)\.block_sparse_moe\.experts\.(\d+)\.(w[123])\.weight$)");
        std::smatch m;
        if (!std::regex_match(hf, m, expert)) return std::nullopt;
        return StackedSlot{"blk." + m[1].str() + "." + expert_tensor_names().at(m[3].str()),
                           std::stoull(m[2].str())};
    }

    void add_hyperparameters(const HfConfig &c, Metadata &out) const override {
        add_llama_family_hyperparameters(c, "llama", out);
        out.set("llama.expert_count", static_cast<uint32_t>(c.require_uint("num_local_experts")));
        out.set("llama.expert_used_count", static_cast<uint32_t>(c.require_uint("num_experts_per_tok")));
    }

    // Same RoPE convention as Llama: q/k rows interleaved per head.
    RowPermutation row_permutation(const std::string &gguf_name, const std::vector<uint64_t> &shape,
                                   const HfConfig &c) const override {
        return llama_qk_row_permutation(gguf_name, shape, c);
    }
};

} // namespace

const Architecture &mixtral_architecture() {
    static const MixtralArchitecture arch;
    return arch;
}

} // namespace gmat
