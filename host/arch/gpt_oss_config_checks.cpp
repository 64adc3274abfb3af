#include "arch/gpt_oss_config_checks.hpp"

#include "arch/moe_config_checks.hpp"
#include "common/json.hpp"

#include <string>

namespace gmat {

namespace {

constexpr MoeClass kGptOss{"GptOssForCausalLM", "gpt-oss"};

[[noreturn]] void refuse(const HfConfig &c, const std::string &field, const std::string &why) {
    refuse_moe_field(c, kGptOss, field, why);
}

void check_experts(const HfConfig &c) {
    check_expert_counts(c, kGptOss, "num_local_experts");
    // llama.cpp's gpt-oss graph clamps with the constants of the released models.
    if (auto limit = c.optional_number("swiglu_limit"); limit && *limit != 7.0)
        refuse(c, "swiglu_limit", "is " + std::to_string(*limit) +
                                      ", but llama.cpp's gpt-oss clamps the SwiGLU at 7.0 (only 7.0 is supported)");
}

// llama.cpp's gpt-oss alternates sliding-window (even) and full (odd) layers,
// HF's default when layer_types is absent; it needs the window and the biases
// on every attention projection (attn_output.bias is a required tensor).
void check_attention(const HfConfig &c) {
    if (!c.optional_uint("sliding_window"))
        refuse(c, "sliding_window", "is missing or null; llama.cpp's gpt-oss needs the window of its sliding layers");
    auto types = c.root().FindMember("layer_types");
    if (types != c.root().MemberEnd() && !types->value.IsNull()) {
        if (!types->value.IsArray()) refuse(c, "layer_types", "is not a list");
        for (rapidjson::SizeType i = 0; i < types->value.Size(); ++i) {
            const std::string where = c.source() + ": layer_types[" + std::to_string(i) + "]";
            const std::string want = i % 2 == 0 ? "sliding_attention" : "full_attention";
            if (json::require_string(types->value[i], where) != want)
                refuse(c, "layer_types", "[" + std::to_string(i) + "] is not " + want +
                                             "; llama.cpp's gpt-oss uses sliding-window attention on even layers and "
                                             "full attention on odd ones");
        }
    }
    if (!c.optional_bool("attention_bias").value_or(true))
        refuse(c, "attention_bias", "is false, but llama.cpp's gpt-oss loads a bias for every attention projection");
    if (c.optional_bool("tie_word_embeddings").value_or(false))
        refuse(c, "tie_word_embeddings", "is true, but llama.cpp's gpt-oss needs its own output head (lm_head)");
}

} // namespace

bool gpt_oss_experts_are_mxfp4(const HfConfig &c) {
    const rapidjson::Value *q = c.object("quantization_config");
    if (!q) return false;
    auto method = q->FindMember("quant_method");
    return method != q->MemberEnd() && method->value.IsString() && std::string(method->value.GetString()) == "mxfp4";
}

void check_gpt_oss_config(const HfConfig &c) {
    check_experts(c);
    check_attention(c);
}

} // namespace gmat
