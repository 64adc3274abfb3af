#include "arch/glm4moe_config_checks.hpp"

#include "arch/moe_config_checks.hpp"

#include <string>

namespace gmat {

namespace {

constexpr MoeClass kGlm4Moe{"Glm4MoeForCausalLM", "glm4moe"};

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    refuse_moe_field(c, kGlm4Moe, field, why);
}

void check_experts(const HfConfig &c) {
    check_expert_counts(c, kGlm4Moe, "n_routed_experts");
    check_grouped_sigmoid_routing(c, kGlm4Moe, true);
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
    check_silu_experts(c, kGlm4Moe);
    const double partial = c.optional_number("partial_rotary_factor").value_or(0.5);
    if (!(partial > 0.0 && partial <= 1.0)) refuse(c, "partial_rotary_factor", "must be in (0, 1]");
}

} // namespace gmat
