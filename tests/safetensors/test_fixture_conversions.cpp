// The test fixture's float conversions, which other areas' tests rely on.
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gmat::test {
namespace {

TEST(SafetensorsFixtureConversions, HalfBitsMatchIeeeBinary16) {
    EXPECT_EQ(f32_to_f16_bits(0.0f), 0x0000);
    EXPECT_EQ(f32_to_f16_bits(-0.0f), 0x8000);
    EXPECT_EQ(f32_to_f16_bits(1.0f), 0x3C00);
    EXPECT_EQ(f32_to_f16_bits(-2.5f), 0xC100);
    EXPECT_EQ(f32_to_f16_bits(65504.0f), 0x7BFF);
    EXPECT_EQ(f32_to_f16_bits(65520.0f), 0x7C00);              // halfway to 65536 rounds to even: inf
    EXPECT_EQ(f32_to_f16_bits(1.0f + 1.0f / 2048), 0x3C00);    // halfway, rounds to even
    EXPECT_EQ(f32_to_f16_bits(1.0f + 3.0f / 2048), 0x3C02);    // halfway, rounds to even (up)
    EXPECT_EQ(f32_to_f16_bits(std::ldexp(1.0f, -24)), 0x0001); // smallest subnormal
    EXPECT_EQ(f32_to_f16_bits(std::ldexp(1.0f, -25)), 0x0000); // halfway to it: even is 0
    EXPECT_EQ(f32_to_f16_bits(std::ldexp(1.5f, -25)), 0x0001);
    EXPECT_EQ(f32_to_f16_bits(std::ldexp(1.0f, -14)), 0x0400); // smallest normal
    EXPECT_EQ(f32_to_f16_bits(0.1f), 0x2E66);
    EXPECT_EQ(f32_to_f16_bits(std::numeric_limits<float>::infinity()), 0x7C00);
    EXPECT_EQ(f32_to_f16_bits(std::nanf("")) & 0x7C00, 0x7C00);
    EXPECT_NE(f32_to_f16_bits(std::nanf("")) & 0x03FF, 0);
}

TEST(SafetensorsFixtureConversions, Bfloat16BitsRoundToNearestEven) {
    EXPECT_EQ(f32_to_bf16_bits(1.0f), 0x3F80);
    EXPECT_EQ(f32_to_bf16_bits(-2.0f), 0xC000);
    EXPECT_EQ(f32_to_bf16_bits(0.1f), 0x3DCD);
    EXPECT_EQ(f32_to_bf16_bits(1.0f + 1.0f / 256), 0x3F80); // halfway, rounds to even
    EXPECT_EQ(f32_to_bf16_bits(1.0f + 3.0f / 256), 0x3F82);
    EXPECT_EQ(f32_to_bf16_bits(std::numeric_limits<float>::infinity()), 0x7F80);
    EXPECT_EQ(f32_to_bf16_bits(std::nanf("")) & 0x7F80, 0x7F80);
    EXPECT_NE(f32_to_bf16_bits(std::nanf("")) & 0x007F, 0);
}

TEST(SafetensorsFixtureConversions, AddRefusesAPayloadOfTheWrongSize) {
    SafetensorsFixture st;
    EXPECT_THROW(st.add("w", "F32", {2, 2}, std::vector<uint8_t>(15)), std::invalid_argument);
    EXPECT_NO_THROW(st.add("w", "F32", {2, 2}, std::vector<uint8_t>(16)));
}

} // namespace
} // namespace gmat::test
