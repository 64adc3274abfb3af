// resolve_mix against llama.cpp itself: each tiny model is written as an
// unquantized GGUF, quantized by llama_model_quantize with each mix, and the
// type llama.cpp stored for every tensor must be the type resolve_mix picks.
#include "llama_quantizer.hpp"
#include "tiny_model_gguf.hpp"
#include "tiny_models.hpp"

#include "common/error.hpp"
#include "quant_mix/mix_names.hpp"
#include "quant_mix/resolve_mix.hpp"

#include <gtest/gtest.h>
#include <llama.h>
#include <unistd.h>

#include <filesystem>
#include <set>

namespace quant_mix_test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kMainMixes = {"q2_k",   "q2_k_s", "q3_k_s", "q3_k_m", "q3_k_l", "q4_k_s", "q4_k_m",
                                             "q5_k_s", "q5_k_m", "q6_k",   "q4_0",   "q8_0",   "iq4_nl", "iq4_xs"};
const std::vector<std::string> kFloatAndLegacyMixes = {"f32", "f16", "bf16", "q4_1", "q5_0", "q5_1", "mxfp4_moe"};
// Most need an importance matrix (llama.cpp refuses them without one): see kImatrixCases.
const std::vector<std::string> kIqMixes = {"iq1_s",   "iq1_m",  "iq2_xxs", "iq2_xs", "iq2_s",
                                           "iq2_m",   "iq3_xxs", "iq3_xs", "iq3_s",  "iq3_m"};

struct ModelAndMixes {
    TinyModel model;
    std::vector<std::string> mixes;
};

std::vector<std::string> all_mixes() {
    std::vector<std::string> mixes = kMainMixes;
    mixes.insert(mixes.end(), kFloatAndLegacyMixes.begin(), kFloatAndLegacyMixes.end());
    mixes.insert(mixes.end(), kIqMixes.begin(), kIqMixes.end());
    return mixes;
}

std::vector<std::string> with(std::vector<std::string> mixes, const std::vector<std::string> &more) {
    mixes.insert(mixes.end(), more.begin(), more.end());
    return mixes;
}

const std::vector<ModelAndMixes> &models_under_test() {
    static const std::vector<ModelAndMixes> models = {
        {dense_llama_with_oddities("llama16_gqa4_oddities", {}), all_mixes()},
        {dense_llama("llama20_gqa2_tied", {.n_layer = 20, .n_head_kv = 4, .tied = true}), all_mixes()},
        {dense_llama("llama16_embd320_ff272", {.n_embd = 320, .n_ff = 272, .n_vocab = 256}), kMainMixes},
        {dense_llama("llama16_ff320_tied", {.n_ff = 320, .tied = true}), kMainMixes},
        {moe_llama("llama_moe8", 8, 8), all_mixes()},
        {moe_llama("llama_moe4", 8, 4), {"q2_k", "q3_k_m", "q4_k_m", "q4_k_s", "iq4_xs", "mxfp4_moe"}},
        {llama_80_layers("llama80_gqa", 2), {"q2_k", "q3_k_s", "q3_k_m", "q4_k_s", "q4_k_m", "iq4_nl"}},
        {llama_80_layers("llama80_mha", 8), {"q3_k_s", "q4_k_s"}},
        {falcon("falcon16"), kMainMixes},
    };
    return models;
}

struct Case {
    size_t model_index;
    std::string mix;
    bool imatrix = false; // both sides are told an importance matrix is given
};

// llama.cpp's rules with an importance matrix differ for iq4_nl/iq4_xs, q4_0/q5_0, q2_k_s and iq3_xxs,
// and most i-quant mixes need one: every mix on the model with every oddity, the main mixes on tied,
// 8-expert and falcon models, and the i-quant mixes whose rules read what those models have (tied
// output, 8 or 4 experts, falcon, the 70B class). ggml's 1- and 2-bit quantizers are slow (and
// build their grid tables in every test process), so each of those runs only where it adds a rule.
struct ImatrixCases {
    size_t model_index;
    std::vector<std::string> mixes;
};
const std::vector<ImatrixCases> &imatrix_cases() {
    static const std::vector<ImatrixCases> cases = {
        {0, all_mixes()},
        {1, with(kMainMixes, {"iq2_xxs", "iq3_xxs"})},
        {4, with(kMainMixes, {"iq2_xs", "iq3_xxs", "iq3_xs", "iq3_s", "iq3_m"})},
        {5, {"iq2_xxs", "iq3_m"}},
        {6, {"iq3_xs", "iq3_s", "iq3_m"}},
        {8, with(kMainMixes, {"iq3_m", "iq3_xs"})},
    };
    return cases;
}

// Keeps gtest from printing a Case as raw bytes.
void PrintTo(const Case &c, std::ostream *out) {
    *out << models_under_test()[c.model_index].model.label << " " << c.mix << (c.imatrix ? " imatrix" : "");
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (size_t i = 0; i < models_under_test().size(); ++i)
        for (const std::string &mix : models_under_test()[i].mixes)
            cases.push_back({i, mix});
    for (const ImatrixCases &c : imatrix_cases())
        for (const std::string &mix : c.mixes)
            cases.push_back({c.model_index, mix, true});
    return cases;
}

// Uneven positive importance for every 2-D tensor, one row length per expert as llama-imatrix writes it.
ImatrixEntries imatrix_for(const TinyModel &model) {
    ImatrixEntries entries;
    uint32_t state = 7;
    for (const TinyTensor &t : model.tensors) {
        if (t.ne.size() < 2) continue;
        std::vector<float> values(t.ne[0] * (t.ne.size() > 2 ? t.ne[2] : 1));
        for (float &v : values) {
            state = state * 1664525u + 1013904223u;
            v = 0.05f + static_cast<float>(state >> 8) / 16777216.0f;
        }
        entries[t.name] = std::move(values);
    }
    return entries;
}

fs::path scratch_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("gmat-quant-mix-" + std::to_string(getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

class ScratchDirCleanup : public ::testing::Environment {
public:
    void TearDown() override { fs::remove_all(scratch_dir()); }
};
const auto *const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchDirCleanup);

// Written once per process (ctest runs each case in its own process).
fs::path unquantized_file(const TinyModel &model) {
    const fs::path path = scratch_dir() / (model.label + ".gguf");
    if (!fs::exists(path)) write_tiny_model_gguf(model, path);
    return path;
}

class MixMatchesLlama : public ::testing::TestWithParam<Case> {};

TEST_P(MixMatchesLlama, EveryTensorGetsLlamaCppsType) {
    const TinyModel &model = models_under_test()[GetParam().model_index].model;
    const std::string &mix = GetParam().mix;
    const fs::path quantized = scratch_dir() / (model.label + "-" + mix + ".gguf");
    const std::vector<gmat::MixTensor> tensors = mix_tensors(model);
    gmat::MixModel hparams = model.model;
    hparams.has_imatrix = GetParam().imatrix;
    const ImatrixEntries imatrix = imatrix_for(model);

    const LlamaQuantizeResult llama = quantize_with_llama(unquantized_file(model), quantized, gmat::llama_ftype_of(mix),
                                                          GetParam().imatrix ? &imatrix : nullptr);
    if (!llama.ok) {
        // llama.cpp refuses some mixes (q2_k_s without imatrix): so must we.
        EXPECT_FALSE(GetParam().imatrix) << "llama.cpp failed with an imatrix: " << llama.errors;
        EXPECT_THROW(gmat::resolve_mix(mix, hparams, tensors), gmat::GmatError) << "llama.cpp: " << llama.errors;
        return;
    }
    const std::map<std::string, std::string> llama_types = tensor_types_in_gguf(quantized);
    fs::remove(quantized);
    const std::vector<gmat::MixChoice> ours = gmat::resolve_mix(mix, hparams, tensors);
    ASSERT_EQ(llama_types.size(), tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i)
        EXPECT_EQ(ours[i].type, llama_types.at(tensors[i].name)) << tensors[i].name << ": we said " << ours[i].reason;
}

std::string case_name(const ::testing::TestParamInfo<Case> &info) {
    return models_under_test()[info.param.model_index].model.label + "_" + info.param.mix +
           (info.param.imatrix ? "_imatrix" : "");
}

INSTANTIATE_TEST_SUITE_P(TinyModels, MixMatchesLlama, ::testing::ValuesIn(all_cases()), case_name);

TEST(MixNames, LlamaFtypeNumbersMatchLlamaH) {
    EXPECT_EQ(gmat::llama_ftype_of("f32"), LLAMA_FTYPE_ALL_F32);
    EXPECT_EQ(gmat::llama_ftype_of("f16"), LLAMA_FTYPE_MOSTLY_F16);
    EXPECT_EQ(gmat::llama_ftype_of("bf16"), LLAMA_FTYPE_MOSTLY_BF16);
    EXPECT_EQ(gmat::llama_ftype_of("q4_0"), LLAMA_FTYPE_MOSTLY_Q4_0);
    EXPECT_EQ(gmat::llama_ftype_of("q4_1"), LLAMA_FTYPE_MOSTLY_Q4_1);
    EXPECT_EQ(gmat::llama_ftype_of("q5_0"), LLAMA_FTYPE_MOSTLY_Q5_0);
    EXPECT_EQ(gmat::llama_ftype_of("q5_1"), LLAMA_FTYPE_MOSTLY_Q5_1);
    EXPECT_EQ(gmat::llama_ftype_of("q8_0"), LLAMA_FTYPE_MOSTLY_Q8_0);
    EXPECT_EQ(gmat::llama_ftype_of("q2_k"), LLAMA_FTYPE_MOSTLY_Q2_K);
    EXPECT_EQ(gmat::llama_ftype_of("q2_k_s"), LLAMA_FTYPE_MOSTLY_Q2_K_S);
    EXPECT_EQ(gmat::llama_ftype_of("q3_k_s"), LLAMA_FTYPE_MOSTLY_Q3_K_S);
    EXPECT_EQ(gmat::llama_ftype_of("q3_k_m"), LLAMA_FTYPE_MOSTLY_Q3_K_M);
    EXPECT_EQ(gmat::llama_ftype_of("q3_k_l"), LLAMA_FTYPE_MOSTLY_Q3_K_L);
    EXPECT_EQ(gmat::llama_ftype_of("q4_k_s"), LLAMA_FTYPE_MOSTLY_Q4_K_S);
    EXPECT_EQ(gmat::llama_ftype_of("q4_k_m"), LLAMA_FTYPE_MOSTLY_Q4_K_M);
    EXPECT_EQ(gmat::llama_ftype_of("q5_k_s"), LLAMA_FTYPE_MOSTLY_Q5_K_S);
    EXPECT_EQ(gmat::llama_ftype_of("q5_k_m"), LLAMA_FTYPE_MOSTLY_Q5_K_M);
    EXPECT_EQ(gmat::llama_ftype_of("q6_k"), LLAMA_FTYPE_MOSTLY_Q6_K);
    EXPECT_EQ(gmat::llama_ftype_of("iq4_nl"), LLAMA_FTYPE_MOSTLY_IQ4_NL);
    EXPECT_EQ(gmat::llama_ftype_of("iq4_xs"), LLAMA_FTYPE_MOSTLY_IQ4_XS);
    EXPECT_EQ(gmat::llama_ftype_of("iq1_s"), LLAMA_FTYPE_MOSTLY_IQ1_S);
    EXPECT_EQ(gmat::llama_ftype_of("iq1_m"), LLAMA_FTYPE_MOSTLY_IQ1_M);
    EXPECT_EQ(gmat::llama_ftype_of("iq2_xxs"), LLAMA_FTYPE_MOSTLY_IQ2_XXS);
    EXPECT_EQ(gmat::llama_ftype_of("iq2_xs"), LLAMA_FTYPE_MOSTLY_IQ2_XS);
    EXPECT_EQ(gmat::llama_ftype_of("iq2_s"), LLAMA_FTYPE_MOSTLY_IQ2_S);
    EXPECT_EQ(gmat::llama_ftype_of("iq2_m"), LLAMA_FTYPE_MOSTLY_IQ2_M);
    EXPECT_EQ(gmat::llama_ftype_of("iq3_xxs"), LLAMA_FTYPE_MOSTLY_IQ3_XXS);
    EXPECT_EQ(gmat::llama_ftype_of("iq3_xs"), LLAMA_FTYPE_MOSTLY_IQ3_XS);
    EXPECT_EQ(gmat::llama_ftype_of("iq3_s"), LLAMA_FTYPE_MOSTLY_IQ3_S);
    EXPECT_EQ(gmat::llama_ftype_of("iq3_m"), LLAMA_FTYPE_MOSTLY_IQ3_M);
    EXPECT_EQ(gmat::llama_ftype_of("mxfp4_moe"), LLAMA_FTYPE_MOSTLY_MXFP4_MOE);
}

} // namespace
} // namespace quant_mix_test
