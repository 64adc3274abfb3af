#include "arch/moe_config_checks.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

namespace gmat {

void refuse_moe_field(const HfConfig &c, const MoeClass &cls, const std::string &field, const std::string &why) {
    throw GmatError(c.source() + ": " + cls.hf_class + " field '" + field + "' " + why);
}

void check_expert_counts(const HfConfig &c, const MoeClass &cls, const char *experts_field) {
    const uint64_t experts = c.require_uint(experts_field);
    const uint64_t used = c.require_uint("num_experts_per_tok");
    if (experts == 0)
        refuse_moe_field(c, cls, experts_field, std::string("is 0; llama.cpp's ") + cls.arch + " needs at least one expert");
    if (used == 0 || used > experts)
        refuse_moe_field(c, cls, "num_experts_per_tok",
                         "is " + std::to_string(used) + "; it must be between 1 and " + experts_field + " (" +
                             std::to_string(experts) + ")");
}

void check_every_layer_sparse(const HfConfig &c, const MoeClass &cls) {
    const std::string every = std::string("llama.cpp's ") + cls.arch + " needs experts in every layer";
    if (auto step = c.optional_uint("decoder_sparse_step"); step && *step != 1)
        refuse_moe_field(c, cls, "decoder_sparse_step",
                         "is " + std::to_string(*step) + ": only every " + std::to_string(*step) +
                             "th layer has experts, but " + every + " (1 is supported)");
    auto only = c.root().FindMember("mlp_only_layers");
    if (only == c.root().MemberEnd() || only->value.IsNull()) return;
    if (!only->value.IsArray()) refuse_moe_field(c, cls, "mlp_only_layers", "is not a list of layer indices");
    if (!only->value.Empty())
        refuse_moe_field(c, cls, "mlp_only_layers",
                         "lists " + std::to_string(only->value.Size()) + " dense layer(s), but " + every +
                             " (only [] is supported)");
}

void check_full_attention_only(const HfConfig &c, const MoeClass &cls) {
    if (c.optional_bool("use_sliding_window").value_or(false))
        refuse_moe_field(c, cls, "use_sliding_window",
                         std::string("is true, but llama.cpp's ") + cls.arch + " has no sliding-window attention");
    auto types = c.root().FindMember("layer_types");
    if (types == c.root().MemberEnd() || !types->value.IsArray()) return;
    for (rapidjson::SizeType i = 0; i < types->value.Size(); ++i) {
        const std::string where = c.source() + ": layer_types[" + std::to_string(i) + "]";
        if (json::require_string(types->value[i], where) != "full_attention")
            refuse_moe_field(c, cls, "layer_types",
                             "[" + std::to_string(i) + "] is not full_attention; llama.cpp's " + cls.arch +
                                 " attends over the whole context");
    }
}

void check_silu_experts(const HfConfig &c, const MoeClass &cls) {
    const std::string act = c.optional_string("hidden_act").value_or("silu");
    if (act != "silu")
        refuse_moe_field(c, cls, "hidden_act",
                         "is '" + act + "', but llama.cpp's " + cls.arch + " computes SiLU-gated MLPs");
}

void check_grouped_sigmoid_routing(const HfConfig &c, const MoeClass &cls, bool dense_first_required) {
    const uint64_t experts = c.require_uint("n_routed_experts");
    // llama.cpp's graph always adds the shared expert's output.
    if (c.require_uint("n_shared_experts") == 0)
        refuse_moe_field(c, cls, "n_shared_experts",
                         std::string("is 0, but llama.cpp's ") + cls.arch + " adds a shared expert to every MoE layer");
    const uint64_t groups = c.optional_uint("n_group").value_or(1);
    if (groups == 0 || experts % groups != 0)
        refuse_moe_field(c, cls, "n_group",
                         "is " + std::to_string(groups) + "; it must divide n_routed_experts (" +
                             std::to_string(experts) + ")");
    const uint64_t used_groups = c.optional_uint("topk_group").value_or(groups);
    if (used_groups == 0 || used_groups > groups)
        refuse_moe_field(c, cls, "topk_group",
                         "is " + std::to_string(used_groups) + "; it must be between 1 and n_group (" +
                             std::to_string(groups) + ")");
    const uint64_t dense = dense_first_required ? c.require_uint("first_k_dense_replace")
                                                : c.optional_uint("first_k_dense_replace").value_or(0);
    if (dense > c.require_uint("num_hidden_layers"))
        refuse_moe_field(c, cls, "first_k_dense_replace", "is more than num_hidden_layers");
}

} // namespace gmat
