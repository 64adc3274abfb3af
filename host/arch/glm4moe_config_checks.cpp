#include "arch/glm4moe_config_checks.hpp"

#include "common/error.hpp"

#include <string>

namespace gmat {

namespace {

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    throw GmatError(c.source() + ": Glm4MoeForCausalLM field '" + field + "' " + why);
}

void check_experts(const HfConfig &c) {
    const uint64_t experts = c.require_uint("n_routed_experts");
    const uint64_t used = c.require_uint("num_experts_per_tok");
    if (experts == 0) refuse(c, "n_routed_experts", "is 0; llama.cpp's glm4moe needs at least one routed expert");
    if (used == 0 || used > experts)
        refuse(c, "num_experts_per_tok", "is " + std::to_string(used) + "; it must be between 1 and n_routed_experts (" +
                                             std::to_string(experts) + ")");
    // llama.cpp's glm4moe always adds the shared expert's output.
    if (c.require_uint("n_shared_experts") == 0)
        refuse(c, "n_shared_experts", "is 0, but llama.cpp's glm4moe adds a shared expert to every MoE layer");
    const uint64_t groups = c.optional_uint("n_group").value_or(1);
    if (groups == 0 || experts % groups != 0)
        refuse(c, "n_group", "is " + std::to_string(groups) + "; it must divide n_routed_experts (" +
                                 std::to_string(experts) + ")");
    const uint64_t used_groups = c.optional_uint("topk_group").value_or(groups);
    if (used_groups == 0 || used_groups > groups)
        refuse(c, "topk_group", "is " + std::to_string(used_groups) + "; it must be between 1 and n_group (" +
                                    std::to_string(groups) + ")");
    if (c.require_uint("first_k_dense_replace") > c.require_uint("num_hidden_layers"))
        refuse(c, "first_k_dense_replace", "is more than num_hidden_layers");
    // HF's GLM-4.5 decides dense vs MoE by first_k_dense_replace alone; a
    // sparse step (an older draft of the config) would change that.
    if (auto step = c.optional_uint("decoder_sparse_step"); step && *step != 1)
        refuse(c, "decoder_sparse_step", "is " + std::to_string(*step) +
                                             ", but llama.cpp's glm4moe has experts in every layer after "
                                             "first_k_dense_replace (1 is supported)");
}

} // namespace

void check_glm4moe_config(const HfConfig &c) {
    check_experts(c);
    const std::string act = c.optional_string("hidden_act").value_or("silu");
    if (act != "silu") refuse(c, "hidden_act", "is '" + act + "', but llama.cpp's glm4moe computes SiLU-gated MLPs");
    const double partial = c.optional_number("partial_rotary_factor").value_or(0.5);
    if (!(partial > 0.0 && partial <= 1.0)) refuse(c, "partial_rotary_factor", "must be in (0, 1]");
}

} // namespace gmat
