// Every grid point of the lattice types against ggml's dequantizer: a block
// whose first group selects index i (scale 1, code 0, no sign) must decode
// to the table's entry i, so a wrong constant cannot pass.
#include "iq3s_format.hpp"
#include "iq3xxs_format.hpp"

#include <ggml.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace gmat::iqlattice {
namespace {

std::vector<float> ggml_decode(ggml_type type, const void *block) {
    std::vector<float> out(256);
    ggml_get_type_traits(type)->to_float(block, out.data(), 256);
    return out;
}

TEST(Grids, EveryIq3sPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq3sGridSize; ++index) {
        Iq3sBlock block{};
        block.d = 0x3c00; // 1.0
        // Groups 0 and 9 (sub-block 1, group 1) select the index; group 9 also flips its first value's sign.
        block.qs[0] = block.qs[9] = uint8_t(index & 255);
        block.qh[0] = uint8_t(index >> 8);
        block.qh[1] = uint8_t((index >> 8) << 1);
        block.signs[(32 + 4) / 8] = uint8_t(1u << ((32 + 4) % 8));
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ3_S, &block);
        for (int j = 0; j < 4; ++j) {
            ASSERT_EQ(y[size_t(j)], float(kIq3sGrid[index][j])) << "index " << index << " value " << j;
            const float expected = (j == 0 ? -1.0f : 1.0f) * float(kIq3sGrid[index][j]);
            ASSERT_EQ(y[size_t(32 + 4 + j)], expected) << "index " << index << " value " << j << " in sub-block 1";
        }
    }
}

TEST(Grids, Iq3sPointsAreDistinctOddLevels) {
    for (int a = 0; a < kIq3sGridSize; ++a) {
        for (int j = 0; j < 4; ++j) {
            EXPECT_EQ(kIq3sGrid[a][j] % 2, 1) << a;
            EXPECT_LE(kIq3sGrid[a][j], 15) << a;
        }
        for (int b = 0; b < a; ++b) EXPECT_NE(std::memcmp(kIq3sGrid[a], kIq3sGrid[b], 4), 0) << a << " " << b;
    }
}

TEST(Grids, EveryIq3xxsPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq3xxsGridSize; ++index) {
        Iq3xxsBlock block{};
        block.d = 0x3c00;      // 1.0; code 0: sub-block scale (1.0 * 0.5) * 0.5 = 0.25
        block.qs[0] = uint8_t(index);
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ3_XXS, &block);
        for (int j = 0; j < 4; ++j)
            ASSERT_EQ(y[size_t(j)], 0.25f * float(kIq3xxsGrid[index][j])) << "index " << index << " value " << j;
    }
}

TEST(Grids, EveryIq3xxsSignCodeDecodesInGgmlAsOurParityRule) {
    for (uint32_t code = 0; code < 128; ++code) {
        Iq3xxsBlock block{};
        block.d = 0x3c00;
        const uint32_t aux = code; // values 0..7 of sub-block 0, scale code 0
        for (int b = 0; b < 4; ++b) block.scales_and_signs[b] = uint8_t(aux >> (8 * b));
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ3_XXS, &block);
        const uint8_t bits = sign_bits_of_code(code);
        for (int j = 0; j < 8; ++j)
            ASSERT_EQ(y[size_t(j)] < 0, ((bits >> j) & 1) != 0) << "code " << code << " value " << j;
    }
}

TEST(Grids, Iq3xxsPointsAreDistinct) {
    for (int a = 0; a < kIq3xxsGridSize; ++a)
        for (int b = 0; b < a; ++b) EXPECT_NE(std::memcmp(kIq3xxsGrid[a], kIq3xxsGrid[b], 4), 0) << a << " " << b;
}

} // namespace
} // namespace gmat::iqlattice
