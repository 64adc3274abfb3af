// config.json checks that need no model: the class list, and settings
// llama.cpp cannot reproduce refused with the field named.
#include "arch/architecture.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace gmat::test {
namespace {

HfConfig config(const std::string &body) { return HfConfig::from_text("{" + body + "}", "config.json"); }

std::string error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const std::exception &e) {
        return e.what();
    }
    return "";
}

TEST(ArchitectureConfig, UnsupportedClassNamesItselfAndTheSupportedList) {
    const std::string err = error_of([] { architecture_for(config(R"("architectures": ["GPT2LMHeadModel"])")); });
    EXPECT_NE(err.find("GPT2LMHeadModel"), std::string::npos) << err;
    for (const char *cls : {"LlamaForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM", "Phi3ForCausalLM",
                            "Gemma2ForCausalLM", "Gemma3ForCausalLM", "MixtralForCausalLM",
                            "Qwen2MoeForCausalLM", "Qwen3MoeForCausalLM", "Glm4MoeForCausalLM",
                            "DeepseekV3ForCausalLM"})
        EXPECT_NE(err.find(cls), std::string::npos) << cls << " missing from: " << err;
}

TEST(ArchitectureConfig, ClassesMapToLlamaCppArchitectures) {
    const std::pair<const char *, const char *> expected[] = {{"Qwen2ForCausalLM", "qwen2"}, {"Qwen3ForCausalLM", "qwen3"},
                                                              {"Phi3ForCausalLM", "phi3"}, {"Gemma2ForCausalLM", "gemma2"},
                                                              {"Gemma3ForCausalLM", "gemma3"},
                                                              {"MixtralForCausalLM", "llama"},
                                                              {"Qwen2MoeForCausalLM", "qwen2moe"},
                                                              {"Qwen3MoeForCausalLM", "qwen3moe"},
                                                              {"Glm4MoeForCausalLM", "glm4moe"},
                                                              {"DeepseekV3ForCausalLM", "deepseek2"}};
    for (const auto &[cls, arch] : expected)
        EXPECT_EQ(architecture_for(config(std::string(R"("architectures": [")") + cls + "\"]")).gguf_architecture(), arch);
}

const char *kGemma2 = R"("architectures": ["Gemma2ForCausalLM"], "hidden_size": 256, "intermediate_size": 512,
    "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "vocab_size": 512,
    "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0, "sliding_window": 8)";

TEST(ArchitectureConfig, GemmaAttentionScaleLlamaCppCannotReproduceIsRefused) {
    const HfConfig c = config(std::string(kGemma2) + R"(, "query_pre_attn_scalar": 100)");
    Metadata md;
    const std::string err = error_of([&] { architecture_for(c).add_hyperparameters(c, md); });
    EXPECT_NE(err.find("query_pre_attn_scalar"), std::string::npos) << err;
}

TEST(ArchitectureConfig, Gemma2WritesSoftCapsWindowAndPattern) {
    const HfConfig c = config(std::string(kGemma2) + R"(, "query_pre_attn_scalar": 64)");
    Metadata md;
    architecture_for(c).add_hyperparameters(c, md);
    ASSERT_NE(md.get<float>("gemma2.attn_logit_softcapping"), nullptr);
    EXPECT_EQ(*md.get<float>("gemma2.attn_logit_softcapping"), 50.0f);
    EXPECT_EQ(*md.get<float>("gemma2.final_logit_softcapping"), 30.0f);
    EXPECT_EQ(*md.get<uint32_t>("gemma2.attention.sliding_window"), 8u);
    EXPECT_EQ(*md.get<uint32_t>("gemma2.attention.sliding_window_pattern"), 2u);
    EXPECT_EQ(*md.get<uint32_t>("gemma2.attention.key_length"), 64u);
}

TEST(ArchitectureConfig, Gemma3NonPeriodicLayerTypesAreRefused) {
    const HfConfig c = config(R"("architectures": ["Gemma3ForCausalLM"], "hidden_size": 256, "intermediate_size": 512,
        "num_hidden_layers": 3, "num_attention_heads": 4, "head_dim": 64, "vocab_size": 512, "sliding_window": 8,
        "query_pre_attn_scalar": 64,
        "layer_types": ["full_attention", "sliding_attention", "sliding_attention"])");
    Metadata md;
    const std::string err = error_of([&] { architecture_for(c).add_hyperparameters(c, md); });
    EXPECT_NE(err.find("layer_types"), std::string::npos) << err;
}

TEST(ArchitectureConfig, GemmaNormsAreStoredAsOnePlusW) {
    const HfConfig c = config(R"("architectures": ["Gemma3ForCausalLM"])");
    const Architecture &arch = architecture_for(c);
    EXPECT_TRUE(arch.transforms_values("blk.0.attn_q_norm.weight"));
    EXPECT_TRUE(arch.transforms_values("output_norm.weight"));
    EXPECT_FALSE(arch.transforms_values("blk.0.attn_q.weight"));
    float values[2] = {0.25f, -0.5f};
    arch.transform_values("blk.0.post_ffw_norm.weight", values, 2, c);
    EXPECT_EQ(values[0], 1.25f);
    EXPECT_EQ(values[1], 0.5f);
}

TEST(ArchitectureConfig, Phi3LongRopeIsRefusedByName) {
    const HfConfig c = config(R"("architectures": ["Phi3ForCausalLM"], "hidden_size": 256, "intermediate_size": 512,
        "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 512,
        "rope_scaling": {"type": "longrope", "long_factor": [1], "short_factor": [1]})");
    Metadata md;
    const std::string err = error_of([&] { architecture_for(c).add_hyperparameters(c, md); });
    EXPECT_NE(err.find("longrope"), std::string::npos) << err;
}

} // namespace
} // namespace gmat::test
