// Every grid point of the lattice types against ggml's dequantizer: a block
// whose first group selects index i (scale 1, code 0, no sign) must decode
// to the table's entry i, so a wrong constant cannot pass.
#include "iq1m_format.hpp"
#include "iq1s_format.hpp"
#include "iq2s_format.hpp"
#include "iq2xs_format.hpp"
#include "iq2xxs_format.hpp"
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

// The iq2 grids: with d = 1 and code 0 a value decodes as 0.125 * grid value.
// Every index is selected by group 0 and by a later group (the index's high
// bits and the scale of a later sub-block in use), so both the table and
// our reading of the index bits are checked.
void expect_grid_point(const std::vector<float> &y, size_t first, const uint8_t *point, float scale, int index,
                       uint8_t negated) {
    for (int j = 0; j < 8; ++j) {
        const float expected = ((negated >> j) & 1 ? -1.0f : 1.0f) * scale * float(point[j]);
        ASSERT_EQ(y[first + size_t(j)], expected) << "index " << index << " value " << first + size_t(j);
    }
}

TEST(Grids, EveryIq2xxsPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq2xxsGridSize; ++index) {
        Iq2xxsBlock block{};
        block.d = 0x3c00;
        block.qs[0] = uint8_t(index);
        block.qs[8 * 3 + 2] = uint8_t(index);          // sub-block 3, group 2
        const uint32_t aux = (5u << 7 * 2) | (2u << 28); // its sign code 5, scale code 2
        for (int b = 0; b < 4; ++b) block.qs[8 * 3 + 4 + b] = uint8_t(aux >> (8 * b));
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ2_XXS, &block);
        expect_grid_point(y, 0, kIq2xxsGrid[index], 0.125f, index, 0);
        expect_grid_point(y, 96 + 16, kIq2xxsGrid[index], 2.5f * 0.25f, index, sign_bits_of_code(5));
    }
}

TEST(Grids, EveryIq2xsPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq2xsGridSize; ++index) {
        Iq2xsBlock block{};
        block.d = 0x3c00;
        block.qs[0] = uint8_t(index & 255), block.qs[1] = uint8_t(index >> 8);
        const uint16_t q = uint16_t(index | (9u << 9)); // group 13 (sub-block 6), sign code 9
        block.qs[26] = uint8_t(q & 255), block.qs[27] = uint8_t(q >> 8);
        block.scales[3] = 3; // sub-block 6: code 3
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ2_XS, &block);
        expect_grid_point(y, 0, kIq2xsGrid[index], 0.125f, index, 0);
        expect_grid_point(y, 8 * 13, kIq2xsGrid[index], 3.5f * 0.25f, index, sign_bits_of_code(9));
    }
}

TEST(Grids, EveryIq2sPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq2sGridSize; ++index) {
        Iq2sBlock block{};
        block.d = 0x3c00;
        block.qs[0] = uint8_t(index & 255);
        block.qh[0] = uint8_t(index >> 8);
        block.qs[23] = uint8_t(index & 255); // group 23: sub-block 11, qh[5] bits 6..7
        block.qh[5] = uint8_t((index >> 8) << 6);
        block.qs[32 + 23] = 0xa5; // its signs
        block.scales[5] = 4 << 4; // sub-block 11: code 4
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ2_S, &block);
        expect_grid_point(y, 0, kIq2sGrid[index], 0.125f, index, 0);
        expect_grid_point(y, 8 * 23, kIq2sGrid[index], 4.5f * 0.25f, index, 0xa5);
    }
}

TEST(Grids, Iq2PointsAreDistinctAndOnTheThreeLevels) {
    const auto check = [](const uint8_t *grid, int size, const char *name) {
        for (int a = 0; a < size; ++a) {
            for (int j = 0; j < 8; ++j) {
                const uint8_t v = grid[8 * a + j];
                EXPECT_TRUE(v == 8 || v == 25 || v == 43) << name << " " << a;
            }
            for (int b = 0; b < a; ++b) EXPECT_NE(std::memcmp(grid + 8 * a, grid + 8 * b, 8), 0) << name << " " << a;
        }
    };
    check(&kIq2xxsGrid[0][0], kIq2xxsGridSize, "iq2_xxs");
    check(&kIq2xsGrid[0][0], kIq2xsGridSize, "iq2_xs");
    check(&kIq2sGrid[0][0], kIq2sGridSize, "iq2_s");
}

// iq1_s: index i in group 0 (scale code 0, shift +0.125) decodes as
// grid + 0.125, and in group 22 (sub-block 5, l = 2; code 6, shift -0.125) as
// 13 * (grid - 0.125).
TEST(Grids, EveryIq1sPointDecodesInGgmlAsInOurTable) {
    for (int index = 0; index < kIq1sGridSize; ++index) {
        Iq1sBlock block{};
        block.d = 0x3c00;
        block.qs[0] = uint8_t(index & 255);
        block.qh[0] = uint8_t(index >> 8);
        block.qs[22] = uint8_t(index & 255);
        const uint32_t h = (uint32_t(index >> 8) << 6) | (6u << 12) | 0x8000u;
        block.qh[10] = uint8_t(h & 255), block.qh[11] = uint8_t(h >> 8);
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ1_S, &block);
        for (int j = 0; j < 8; ++j) {
            const float g = float(kIq1sGrid[index][j]);
            ASSERT_TRUE(g == -1 || g == 0 || g == 1) << index;
            ASSERT_EQ(y[size_t(j)], g + 0.125f) << "index " << index << " value " << j;
            ASSERT_EQ(y[size_t(8 * 22 + j)], 13.0f * (g - 0.125f)) << "index " << index << " value " << j;
        }
    }
}

// iq1_m, on iq1_s's grid: d = fp16 0x3a5f (every nibble non-zero, so all
// four places d is spread over are read); index i in group 0 (code 0, shift
// +0.125) decodes as (d * 1) * (grid + 0.125), and in group 27 (sub-block 13,
// its second group; code 5, shift -0.125) as (d * 11) * (grid - 0.125).
TEST(Grids, EveryIq1mPointDecodesInGgmlAsInOurTable) {
    const uint16_t d_bits = 0x3a5f;
    const float d = ggml_fp16_to_fp32(d_bits);
    for (int index = 0; index < kIq1sGridSize; ++index) {
        Iq1mBlock block{};
        uint16_t scales[4] = {};
        for (int k = 0; k < 4; ++k) scales[k] = uint16_t(((d_bits >> (4 * k)) & 15) << 12);
        scales[13 / 4] |= uint16_t(5u << (3 * (13 % 4)));
        store_iq1m_scales(scales, block);
        block.qs[0] = uint8_t(index & 255);
        block.qh[0] = uint8_t(index >> 8);
        block.qs[27] = uint8_t(index & 255);
        block.qh[13] = uint8_t(((index >> 8) | 8) << 4);
        ASSERT_EQ(iq1m_d_bits(block), d_bits);
        const std::vector<float> y = ggml_decode(GGML_TYPE_IQ1_M, &block);
        for (int j = 0; j < 8; ++j) {
            const float g = float(kIq1sGrid[index][j]);
            ASSERT_EQ(y[size_t(j)], (d * 1.0f) * (g + 0.125f)) << "index " << index << " value " << j;
            ASSERT_EQ(y[size_t(8 * 27 + j)], (d * 11.0f) * (g - 0.125f)) << "index " << index << " value " << j;
        }
    }
}

TEST(Grids, Iq1sPointsAreDistinct) {
    for (int a = 0; a < kIq1sGridSize; ++a)
        for (int b = 0; b < a; ++b) ASSERT_NE(std::memcmp(kIq1sGrid[a], kIq1sGrid[b], 8), 0) << a << " " << b;
}

} // namespace
} // namespace gmat::iqlattice
