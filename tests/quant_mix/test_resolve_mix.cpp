// resolve_mix rules that need no oracle: fallbacks, what is never quantized,
// order independence and the errors. The oracle tests check the rest.
#include "common/error.hpp"
#include "quant_mix/resolve_mix.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace {

gmat::MixModel dense_model(uint32_t n_layer = 16, bool has_output = true) {
    gmat::MixModel m;
    m.architecture = "llama";
    m.n_layer = n_layer;
    m.n_head = 8;
    m.n_head_kv = 2;
    m.has_output_tensor = has_output;
    return m;
}

std::vector<gmat::MixTensor> dense_tensors(uint32_t n_layer, uint64_t n_embd, uint64_t n_ff) {
    std::vector<gmat::MixTensor> t = {{"token_embd.weight", {n_embd, 512}, "f16"},
                                      {"output_norm.weight", {n_embd}, "f32"},
                                      {"output.weight", {n_embd, 512}, "f16"}};
    for (uint32_t il = 0; il < n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        t.push_back({p + "attn_norm.weight", {n_embd}, "f32"});
        t.push_back({p + "attn_q.weight", {n_embd, n_embd}, "f16"});
        t.push_back({p + "attn_v.weight", {n_embd, 64}, "f16"});
        t.push_back({p + "ffn_down.weight", {n_ff, n_embd}, "f16"});
    }
    return t;
}

std::map<std::string, gmat::MixChoice> by_name(const std::vector<gmat::MixTensor> &tensors,
                                               const std::vector<gmat::MixChoice> &choices) {
    std::map<std::string, gmat::MixChoice> out;
    for (size_t i = 0; i < tensors.size(); ++i)
        out[tensors[i].name] = choices[i];
    return out;
}

gmat::MixChoice resolve_single(const std::string &mix, const gmat::MixTensor &tensor) {
    return gmat::resolve_mix(mix, dense_model(1, false), {tensor}).at(0);
}

TEST(ResolveMix, RowsThatDoNotFitStepDownToA32ElementType) {
    const gmat::MixTensor q{"blk.0.attn_q.weight", {320, 8}, "f16"};
    EXPECT_EQ(resolve_single("q2_k", q).type, "q4_0");
    EXPECT_EQ(resolve_single("q3_k_s", q).type, "q4_0");
    EXPECT_EQ(resolve_single("q4_k_s", q).type, "q5_0");
    EXPECT_EQ(resolve_single("q5_k_s", q).type, "q5_1");
    EXPECT_EQ(resolve_single("q6_k", q).type, "q8_0");
    EXPECT_EQ(resolve_single("iq4_xs", q).type, "iq4_nl");
    const gmat::MixChoice choice = resolve_single("q4_k_m", q);
    EXPECT_TRUE(choice.fallback);
    EXPECT_NE(choice.reason.find("row length 320 not a multiple of 256"), std::string::npos) << choice.reason;
}

TEST(ResolveMix, RowsThatFitNo32ElementTypeBecomeF16) {
    const gmat::MixTensor q{"blk.0.attn_q.weight", {100, 8}, "f32"};
    for (const char *mix : {"q4_k_m", "q6_k", "q4_0", "q8_0", "iq4_nl", "iq4_xs"}) {
        const gmat::MixChoice choice = resolve_single(mix, q);
        EXPECT_EQ(choice.type, "f16") << mix;
        EXPECT_TRUE(choice.fallback) << mix;
    }
    EXPECT_FALSE(resolve_single("q4_0", {"blk.0.attn_q.weight", {96, 8}, "f32"}).fallback);
}

TEST(ResolveMix, NormsRoutersAndOneDimensionalTensorsKeepTheirSourceType) {
    const gmat::MixModel model = dense_model(1, false);
    const std::vector<gmat::MixTensor> tensors = {
        {"blk.0.attn_norm.weight", {256}, "f32"},   {"blk.0.ffn_gate_inp.weight", {256, 8}, "f32"},
        {"position_embd.weight", {256, 64}, "f16"}, {"blk.0.attn_probe.weight", {256, 1, 1}, "bf16"},
        {"blk.0.ffn_up.bias", {256, 4}, "f16"},     {"blk.0.attn_q.weight", {256, 256}, "f16"},
    };
    const std::vector<gmat::MixChoice> choices = gmat::resolve_mix("q4_k_m", model, tensors);
    EXPECT_EQ(choices[0].type, "f32");
    EXPECT_EQ(choices[1].type, "f32");
    EXPECT_EQ(choices[2].type, "f16");
    EXPECT_EQ(choices[3].type, "bf16");
    EXPECT_EQ(choices[4].type, "f16");
    EXPECT_EQ(choices[5].type, "q4_k");
    EXPECT_NE(choices[1].reason.find("router"), std::string::npos) << choices[1].reason;
}

TEST(ResolveMix, FloatMixesConvertEveryQuantizableTensorOnly) {
    const std::vector<gmat::MixTensor> tensors = {{"blk.0.attn_norm.weight", {256}, "f32"},
                                                  {"blk.0.attn_q.weight", {100, 4}, "f32"},
                                                  {"token_embd.weight", {256, 32}, "f32"}};
    const std::vector<gmat::MixChoice> choices = gmat::resolve_mix("BF16", dense_model(1, false), tensors);
    EXPECT_EQ(choices[0].type, "f32");
    EXPECT_EQ(choices[1].type, "bf16");
    EXPECT_EQ(choices[2].type, "bf16");
}

TEST(ResolveMix, FileOrderDoesNotChangeTheCounters) {
    const std::vector<gmat::MixTensor> ordered = dense_tensors(16, 256, 512);
    std::vector<gmat::MixTensor> reversed(ordered.rbegin(), ordered.rend());
    const auto expected = by_name(ordered, gmat::resolve_mix("q4_k_m", dense_model(), ordered));
    const auto actual = by_name(reversed, gmat::resolve_mix("q4_k_m", dense_model(), reversed));
    for (const auto &[name, choice] : expected)
        EXPECT_EQ(actual.at(name).type, choice.type) << name;
    // Layers count numerically (blk.10 is attn_v #10, bumped as (10 - 16/8) % 3 == 2); in name
    // order it would be #2 and stay q4_k.
    EXPECT_EQ(expected.at("blk.10.attn_v.weight").type, "q6_k");
    EXPECT_EQ(expected.at("blk.11.attn_v.weight").type, "q4_k");
    EXPECT_EQ(expected.at("blk.0.attn_v.weight").type, "q6_k");
}

TEST(ResolveMix, ReasonNamesTheRuleTheMixAndTheType) {
    const std::vector<gmat::MixTensor> tensors = dense_tensors(16, 256, 512);
    const auto choices = by_name(tensors, gmat::resolve_mix("q4_k_m", dense_model(), tensors));
    const std::string &reason = choices.at("blk.0.attn_v.weight").reason;
    EXPECT_NE(reason.find("attn_v #0 of 16 in q4_k_m"), std::string::npos) << reason;
    EXPECT_NE(reason.find("-> q6_k"), std::string::npos) << reason;
    EXPECT_EQ(choices.at("output.weight").type, "q6_k");
}

TEST(ResolveMix, TiedEmbeddingsFollowTheOutputRule) {
    std::vector<gmat::MixTensor> tensors = dense_tensors(4, 256, 512);
    std::erase_if(tensors, [](const gmat::MixTensor &t) { return t.name == "output.weight"; });
    const auto tied = by_name(tensors, gmat::resolve_mix("q4_0", dense_model(4, false), tensors));
    EXPECT_EQ(tied.at("token_embd.weight").type, "q6_k");
    const auto untied = by_name(dense_tensors(4, 256, 512),
                                gmat::resolve_mix("q4_0", dense_model(4, true), dense_tensors(4, 256, 512)));
    EXPECT_EQ(untied.at("token_embd.weight").type, "q4_0");
}

TEST(ResolveMix, RejectsBadInput) {
    const std::vector<gmat::MixTensor> tensors = dense_tensors(2, 256, 512);
    EXPECT_THROW(gmat::resolve_mix("q4_k", dense_model(2), tensors), gmat::GmatError);
    EXPECT_THROW(gmat::resolve_mix("q4_k_m", dense_model(2, false), tensors), gmat::GmatError);
    std::vector<gmat::MixTensor> twice = tensors;
    twice.push_back(tensors[3]);
    EXPECT_THROW(gmat::resolve_mix("q4_k_m", dense_model(2), twice), gmat::GmatError);
    EXPECT_THROW(gmat::resolve_mix("q4_k_m", dense_model(0), tensors), gmat::GmatError);
    EXPECT_THROW(gmat::resolve_mix("q2_k_s", dense_model(2), tensors), gmat::GmatError);
}

TEST(ResolveMix, AnImatrixChangesTheFirstFfnDownLayersAndAllowsQ2KS) {
    const std::vector<gmat::MixTensor> tensors = dense_tensors(16, 256, 512);
    gmat::MixModel with = dense_model(16);
    with.has_imatrix = true;
    const auto type_of = [&](const std::string &mix, const gmat::MixModel &model, const std::string &name) {
        return by_name(tensors, gmat::resolve_mix(mix, model, tensors)).at(name).type;
    };
    EXPECT_EQ(type_of("iq4_xs", dense_model(16), "blk.1.ffn_down.weight"), "q5_k");
    EXPECT_EQ(type_of("iq4_xs", with, "blk.1.ffn_down.weight"), "iq4_xs");
    EXPECT_EQ(type_of("q4_0", dense_model(16), "blk.1.ffn_down.weight"), "q4_0");
    EXPECT_EQ(type_of("q4_0", with, "blk.1.ffn_down.weight"), "q4_1");
    EXPECT_EQ(type_of("q5_0", with, "blk.1.ffn_down.weight"), "q5_1");
    EXPECT_EQ(type_of("q5_0", with, "blk.2.ffn_down.weight"), "q5_0");
    EXPECT_EQ(type_of("q2_k_s", with, "blk.5.ffn_down.weight"), "q2_k");
    try {
        gmat::resolve_mix("q2_k_s", dense_model(16), tensors);
        FAIL() << "q2_k_s without an importance matrix was accepted";
    } catch (const gmat::GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("--imatrix"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("blk.0.attn_q.weight"), std::string::npos) << e.what();
    }
}

TEST(ResolveMix, ExpertModelsNeedTheLayerInFfnNames) {
    gmat::MixModel moe = dense_model(2, false);
    moe.n_expert = 4;
    EXPECT_THROW(gmat::resolve_mix("q4_k_m", moe, {{"shared.ffn_down_exps.weight", {256, 8, 4}, "f16"}}),
                 gmat::GmatError);
    EXPECT_THROW(gmat::resolve_mix("q4_k_m", moe, {{"blk.2.ffn_down_exps.weight", {256, 8, 4}, "f16"}}),
                 gmat::GmatError);
    EXPECT_EQ(gmat::resolve_mix("q4_k_m", moe, {{"blk.1.ffn_down_exps.weight", {256, 8, 4}, "f16"}}).at(0).type,
              "q6_k");
}

} // namespace
