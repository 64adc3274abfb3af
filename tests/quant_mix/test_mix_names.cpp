#include "common/error.hpp"
#include "quant_mix/mix_names.hpp"

#include <gtest/gtest.h>

namespace {

TEST(MixNames, RecognisesMixesInAnyCase) {
    for (const char *name :
         {"f32",    "f16",    "bf16",   "q4_0",   "q4_1",   "q5_0",   "q5_1", "q8_0",   "q2_k",   "q2_k_s", "q3_k_s",
          "q3_k_m", "q3_k_l", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k", "iq4_nl", "iq4_xs", "Q4_K_M", "IQ4_XS",
          "iq1_s",  "iq1_m",  "iq2_xxs", "iq2_xs", "iq2_s",  "iq2_m",  "iq3_xxs", "iq3_xs", "iq3_s", "IQ3_M"})
        EXPECT_TRUE(gmat::is_mix_name(name)) << name;
}

TEST(MixNames, BlockTypesThatAreNotMixesAreRejected) {
    for (const char *name : {"q4_k", "q3_k", "q5_k", "", "q4_k_x", "iq2_xxxs", "q4_k_m "})
        EXPECT_FALSE(gmat::is_mix_name(name)) << name;
}

TEST(MixNames, BaseTypeOfAMixIsItsBlockType) {
    EXPECT_EQ(gmat::base_type_of("q4_k_m"), "q4_k");
    EXPECT_EQ(gmat::base_type_of("Q3_K_L"), "q3_k");
    EXPECT_EQ(gmat::base_type_of("q2_k_s"), "q2_k");
    EXPECT_EQ(gmat::base_type_of("q5_k_s"), "q5_k");
    EXPECT_EQ(gmat::base_type_of("iq4_xs"), "iq4_xs");
    EXPECT_EQ(gmat::base_type_of("q8_0"), "q8_0");
    EXPECT_EQ(gmat::base_type_of("BF16"), "bf16");
}

TEST(MixNames, BaseTypeOfABlockTypeIsItself) {
    EXPECT_EQ(gmat::base_type_of("q4_k"), "q4_k");
    EXPECT_EQ(gmat::base_type_of("Q6_K"), "q6_k");
    EXPECT_EQ(gmat::base_type_of("iq4_nl"), "iq4_nl");
}

TEST(MixNames, ANameThatIsAlsoABlockTypeMeansTheBlockTypeForOneTensor) {
    // llama.cpp's iq2_s file is mostly iq2_xs and its iq2_m file mostly iq2_s; iq3_xs/iq3_m are iq3_s files.
    EXPECT_EQ(gmat::base_type_of("iq2_s"), "iq2_s");
    EXPECT_EQ(gmat::base_type_of("iq2_m"), "iq2_s");
    EXPECT_EQ(gmat::base_type_of("iq3_xs"), "iq3_s");
    EXPECT_EQ(gmat::base_type_of("IQ3_M"), "iq3_s");
    EXPECT_EQ(gmat::base_type_of("iq1_m"), "iq1_m");
}

TEST(MixNames, UnknownNamesThrowNamingTheInput) {
    try {
        gmat::base_type_of("q7_k");
        FAIL() << "q7_k accepted";
    } catch (const gmat::GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("q7_k"), std::string::npos) << e.what();
    }
    EXPECT_THROW(gmat::llama_ftype_of("q4_k"), gmat::GmatError);
}

} // namespace
