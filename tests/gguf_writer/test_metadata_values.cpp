// Every metadata value type the writer accepts reads back equal through
// llama.cpp's GGUF reader: scalars, strings, and arrays of every element type.
#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"
#include "support/raw_writer.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace gmat::test {
namespace {

using MetadataValueTest = GgufWriterTest;

TEST_F(MetadataValueTest, ScalarsOfEveryTypeReadBackEqual) {
    {
        OutputWriter writer = create("scalars.gguf");
        writer.set("v.u8", uint8_t{250});
        writer.set("v.i8", int8_t{-120});
        writer.set("v.u16", uint16_t{65000});
        writer.set("v.i16", int16_t{-32000});
        writer.set("v.u32", uint32_t{4000000000u});
        writer.set("v.i32", int32_t{-2000000000});
        writer.set("v.f32", -0.15625f);
        writer.set("v.bool.true", true);
        writer.set("v.bool.false", false);
        writer.set("v.str", std::string("llama \xc3\xa9t\xc3\xa9 \xe2\x9c\x93"));
        writer.set("v.str.empty", std::string());
        writer.set("v.u64", uint64_t{0xfedcba9876543210ull});
        writer.set("v.i64", int64_t{std::numeric_limits<int64_t>::min() + 3});
        writer.set("v.f64", 3.141592653589793);
        writer.commit();
    }
    const OracleGguf gguf(path("scalars.gguf"));
    const gguf_context *c = gguf.ctx();
    EXPECT_EQ(gguf_get_val_u8(c, gguf.key("v.u8", GGUF_TYPE_UINT8)), 250);
    EXPECT_EQ(gguf_get_val_i8(c, gguf.key("v.i8", GGUF_TYPE_INT8)), -120);
    EXPECT_EQ(gguf_get_val_u16(c, gguf.key("v.u16", GGUF_TYPE_UINT16)), 65000);
    EXPECT_EQ(gguf_get_val_i16(c, gguf.key("v.i16", GGUF_TYPE_INT16)), -32000);
    EXPECT_EQ(gguf_get_val_u32(c, gguf.key("v.u32", GGUF_TYPE_UINT32)), 4000000000u);
    EXPECT_EQ(gguf_get_val_i32(c, gguf.key("v.i32", GGUF_TYPE_INT32)), -2000000000);
    EXPECT_EQ(gguf_get_val_f32(c, gguf.key("v.f32", GGUF_TYPE_FLOAT32)), -0.15625f);
    EXPECT_TRUE(gguf_get_val_bool(c, gguf.key("v.bool.true", GGUF_TYPE_BOOL)));
    EXPECT_FALSE(gguf_get_val_bool(c, gguf.key("v.bool.false", GGUF_TYPE_BOOL)));
    EXPECT_STREQ(gguf_get_val_str(c, gguf.key("v.str", GGUF_TYPE_STRING)), "llama \xc3\xa9t\xc3\xa9 \xe2\x9c\x93");
    EXPECT_STREQ(gguf_get_val_str(c, gguf.key("v.str.empty", GGUF_TYPE_STRING)), "");
    EXPECT_EQ(gguf_get_val_u64(c, gguf.key("v.u64", GGUF_TYPE_UINT64)), 0xfedcba9876543210ull);
    EXPECT_EQ(gguf_get_val_i64(c, gguf.key("v.i64", GGUF_TYPE_INT64)), std::numeric_limits<int64_t>::min() + 3);
    EXPECT_EQ(gguf_get_val_f64(c, gguf.key("v.f64", GGUF_TYPE_FLOAT64)), 3.141592653589793);
    // Insertion order is file order, and a single file carries no split keys.
    EXPECT_EQ(gguf.keys(), (std::vector<std::string>{"v.u8", "v.i8", "v.u16", "v.i16", "v.u32", "v.i32", "v.f32",
                                                     "v.bool.true", "v.bool.false", "v.str", "v.str.empty", "v.u64",
                                                     "v.i64", "v.f64"}));
    EXPECT_EQ(gguf_get_n_tensors(c), 0);
}

TEST_F(MetadataValueTest, ArraysTheHostCanExpressReadBackEqual) {
    const std::vector<std::string> strings = {"<unk>", "", "\xe2\x96\x81the", std::string(3000, 'x')};
    const std::vector<int32_t> i32s = {std::numeric_limits<int32_t>::min(), -1, 0, 7,
                                       std::numeric_limits<int32_t>::max()};
    const std::vector<float> f32s = {-0.0f, 1.5f, std::numeric_limits<float>::denorm_min(), -1e30f};
    const std::vector<uint32_t> u32s = {0, 1, 0xffffffffu};
    const std::vector<int64_t> i64s = {std::numeric_limits<int64_t>::min(), 42};
    const std::vector<uint8_t> u8s = {0, 128, 255};
    {
        OutputWriter writer = create("arrays.gguf");
        writer.set("a.str", strings);
        writer.set("a.i32", i32s);
        writer.set("a.f32", f32s);
        writer.set("a.u32", u32s);
        writer.set("a.i64", i64s);
        writer.set("a.u8", u8s);
        writer.set("a.empty", std::vector<int32_t>{});
        writer.set("a.str.empty", std::vector<std::string>{});
        writer.commit();
    }
    const OracleGguf gguf(path("arrays.gguf"));
    EXPECT_EQ(gguf.string_array("a.str"), strings);
    EXPECT_EQ(gguf.array<int32_t>("a.i32", GGUF_TYPE_INT32), i32s);
    const std::vector<float> f32_back = gguf.array<float>("a.f32", GGUF_TYPE_FLOAT32);
    ASSERT_EQ(f32_back.size(), f32s.size());
    EXPECT_EQ(std::memcmp(f32_back.data(), f32s.data(), f32s.size() * sizeof(float)), 0) << "float bits differ";
    EXPECT_EQ(gguf.array<uint32_t>("a.u32", GGUF_TYPE_UINT32), u32s);
    EXPECT_EQ(gguf.array<int64_t>("a.i64", GGUF_TYPE_INT64), i64s);
    EXPECT_EQ(gguf.array<uint8_t>("a.u8", GGUF_TYPE_UINT8), u8s);
    EXPECT_TRUE(gguf.array<int32_t>("a.empty", GGUF_TYPE_INT32).empty());
    EXPECT_TRUE(gguf.string_array("a.str.empty").empty());
}

// The host's MetadataValue has no vectors of these element types, so they go
// through the plugin's C table directly.
TEST_F(MetadataValueTest, ArraysOfTheRemainingScalarTypesReadBackEqual) {
    const std::vector<uint16_t> u16s = {0, 1, 65535};
    const std::vector<int16_t> i16s = {-32768, -1, 32767};
    const std::vector<int8_t> i8s = {-128, 0, 127};
    const std::vector<uint64_t> u64s = {0, 0xffffffffffffffffull, 1ull << 40};
    const std::vector<double> f64s = {-0.0, 2.5e-300, 1e300};
    const std::vector<uint8_t> bools = {1, 0, 0, 1, 1};
    {
        RawWriter writer(path("raw-arrays.gguf"), 1);
        ASSERT_EQ(writer.set_array("a.u16", GMAT_VALUE_U16, u16s.data(), u16s.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.set_array("a.i16", GMAT_VALUE_I16, i16s.data(), i16s.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.set_array("a.i8", GMAT_VALUE_I8, i8s.data(), i8s.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.set_array("a.u64", GMAT_VALUE_U64, u64s.data(), u64s.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.set_array("a.f64", GMAT_VALUE_F64, f64s.data(), f64s.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.set_array("a.bool", GMAT_VALUE_BOOL, bools.data(), bools.size()), GMAT_OK) << writer.message();
        ASSERT_EQ(writer.commit(), GMAT_OK) << writer.message();
    }
    const OracleGguf gguf(path("raw-arrays.gguf"));
    EXPECT_EQ(gguf.array<uint16_t>("a.u16", GGUF_TYPE_UINT16), u16s);
    EXPECT_EQ(gguf.array<int16_t>("a.i16", GGUF_TYPE_INT16), i16s);
    EXPECT_EQ(gguf.array<int8_t>("a.i8", GGUF_TYPE_INT8), i8s);
    EXPECT_EQ(gguf.array<uint64_t>("a.u64", GGUF_TYPE_UINT64), u64s);
    const std::vector<double> f64_back = gguf.array<double>("a.f64", GGUF_TYPE_FLOAT64);
    ASSERT_EQ(f64_back.size(), f64s.size());
    EXPECT_EQ(std::memcmp(f64_back.data(), f64s.data(), f64s.size() * sizeof(double)), 0) << "double bits differ";
    EXPECT_EQ(gguf.array<uint8_t>("a.bool", GGUF_TYPE_BOOL), bools);
}

TEST_F(MetadataValueTest, BoolOtherThanZeroOrOneIsRefused) {
    RawWriter writer(path("bad-bool.gguf"), 1);
    const uint8_t two = 2;
    EXPECT_EQ(writer.set_value("flag", GMAT_VALUE_BOOL, &two), GMAT_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(writer.message().find("'flag'"), std::string::npos) << writer.message();
    const uint8_t bools[] = {0, 1, 5};
    EXPECT_EQ(writer.set_array("flags", GMAT_VALUE_BOOL, bools, 3), GMAT_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(writer.message().find("element 2"), std::string::npos) << writer.message();
}

} // namespace
} // namespace gmat::test
