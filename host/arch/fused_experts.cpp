#include "arch/fused_experts.hpp"

#include "common/error.hpp"

#include <regex>

namespace gmat {

namespace {

// [1] layer, [2] gate_up_proj or down_proj.
bool match_fused(const std::string &hf, std::smatch &m) {
    static const std::regex fused(R"(^model\.layers\.(\d+)\.mlp\.experts\.(gate_up_proj|down_proj)(\.weight)?$)");
    return std::regex_match(hf, m, fused);
}

std::string shape_text(const std::vector<uint64_t> &shape) {
    std::string s;
    for (uint64_t d : shape) s += (s.empty() ? "" : ", ") + std::to_string(d);
    return "[" + s + "]";
}

} // namespace

std::optional<StackedSlot> per_expert_slot(const std::string &hf) {
    static const std::regex expert(R"(^model\.layers\.(\d+)\.mlp\.experts\.(\d+)\.(gate|up|down)_proj\.weight$)");
    std::smatch m;
    if (!std::regex_match(hf, m, expert)) return std::nullopt;
    return StackedSlot{"blk." + m[1].str() + ".ffn_" + m[3].str() + "_exps.weight", std::stoull(m[2].str())};
}

std::optional<std::string> fused_expert_gguf_name(const std::string &hf) {
    std::smatch m;
    if (!match_fused(hf, m)) return std::nullopt;
    return "blk." + m[1].str() + (m[2] == "gate_up_proj" ? ".ffn_gate_exps.weight" : ".ffn_down_exps.weight");
}

std::vector<TensorSlice> fused_gate_up_slices(const std::string &hf, const std::vector<uint64_t> &shape) {
    std::smatch m;
    if (!match_fused(hf, m) || m[2] != "gate_up_proj") return {};
    if (shape.size() != 3 || shape[1] == 0 || shape[1] % 2 != 0)
        throw GmatError("tensor '" + hf + "' has shape " + shape_text(shape) +
                        "; a fused gate_up_proj must be [experts, 2 * moe_intermediate_size, hidden_size]");
    const uint64_t ff = shape[1] / 2;
    const std::string blk = "blk." + m[1].str();
    return {TensorSlice{blk + ".ffn_gate_exps.weight", {shape[0], ff, shape[2]}, RowBlocks{ff, 2 * ff, 0}},
            TensorSlice{blk + ".ffn_up_exps.weight", {shape[0], ff, shape[2]}, RowBlocks{ff, 2 * ff, ff}}};
}

} // namespace gmat
