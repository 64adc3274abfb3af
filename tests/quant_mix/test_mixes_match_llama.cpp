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

struct ModelAndMixes {
    TinyModel model;
    std::vector<std::string> mixes;
};

std::vector<std::string> all_mixes() {
    std::vector<std::string> mixes = kMainMixes;
    mixes.insert(mixes.end(), kFloatAndLegacyMixes.begin(), kFloatAndLegacyMixes.end());
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
};

// Keeps gtest from printing a Case as raw bytes.
void PrintTo(const Case &c, std::ostream *out) {
    *out << models_under_test()[c.model_index].model.label << " " << c.mix;
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (size_t i = 0; i < models_under_test().size(); ++i)
        for (const std::string &mix : models_under_test()[i].mixes)
            cases.push_back({i, mix});
    return cases;
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

    const LlamaQuantizeResult llama =
        quantize_with_llama(unquantized_file(model), quantized, gmat::llama_ftype_of(mix));
    if (!llama.ok) {
        // llama.cpp refuses some mixes (q2_k_s without imatrix): so must we.
        EXPECT_THROW(gmat::resolve_mix(mix, model.model, tensors), gmat::GmatError) << "llama.cpp: " << llama.errors;
        return;
    }
    const std::map<std::string, std::string> llama_types = tensor_types_in_gguf(quantized);
    fs::remove(quantized);
    const std::vector<gmat::MixChoice> ours = gmat::resolve_mix(mix, model.model, tensors);
    ASSERT_EQ(llama_types.size(), tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i)
        EXPECT_EQ(ours[i].type, llama_types.at(tensors[i].name)) << tensors[i].name << ": we said " << ours[i].reason;
}

std::string case_name(const ::testing::TestParamInfo<Case> &info) {
    return models_under_test()[info.param.model_index].model.label + "_" + info.param.mix;
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
    EXPECT_EQ(gmat::llama_ftype_of("mxfp4_moe"), LLAMA_FTYPE_MOSTLY_MXFP4_MOE);
}

} // namespace
} // namespace quant_mix_test
