// GgufFile reads back exactly what ggml's own writer put in a file, and turns
// ggml's rejections and wrong-type reads into exceptions that name the file.
#include "oracle/ggml_types.hpp"
#include "oracle/gguf_builder.hpp"
#include "oracle/gguf_file.hpp"
#include "support/scoped_temp_dir.hpp"

#include <gguf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

namespace {

using oracle::GgufBuilder;
using oracle::testing::ScopedTempDir;

std::vector<uint8_t> bytes_of(const std::vector<float> &values) {
    std::vector<uint8_t> out(values.size() * sizeof(float));
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

class GgufFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        GgufBuilder b(/*alignment=*/64);
        gguf_context *ctx = b.ctx();
        gguf_set_val_u8(ctx, "t.u8", 200);
        gguf_set_val_i8(ctx, "t.i8", -100);
        gguf_set_val_u16(ctx, "t.u16", 60000);
        gguf_set_val_i16(ctx, "t.i16", -30000);
        gguf_set_val_u32(ctx, "t.u32", 4000000000u);
        gguf_set_val_i32(ctx, "t.i32", -2000000000);
        gguf_set_val_u64(ctx, "t.u64", 1ull << 40);
        gguf_set_val_i64(ctx, "t.i64", -(1ll << 50));
        gguf_set_val_f32(ctx, "t.f32", 0.25f);
        gguf_set_val_f64(ctx, "t.f64", 1.0 / 3.0);
        gguf_set_val_bool(ctx, "t.bool", true);
        gguf_set_val_str(ctx, "t.str", "h\xC3\xA9llo");
        const int32_t ints[] = {3, -1, 7};
        gguf_set_arr_data(ctx, "t.arr_i32", GGUF_TYPE_INT32, ints, 3);
        const float floats[] = {1.5f, -2.0f};
        gguf_set_arr_data(ctx, "t.arr_f32", GGUF_TYPE_FLOAT32, floats, 2);
        const int8_t bools[] = {1, 0};
        gguf_set_arr_data(ctx, "t.arr_bool", GGUF_TYPE_BOOL, bools, 2);
        const char *strings[] = {"alpha", "", "gamma"};
        gguf_set_arr_str(ctx, "t.arr_str", strings, 3);

        b.add_tensor("weights.f32", GGML_TYPE_F32, {8, 3}, bytes_of(f32_values));
        const std::vector<float> to_quantize(64 * 2, 0.75f);
        q8_bytes = oracle::quantize(GGML_TYPE_Q8_0, to_quantize.data(), 2, 64);
        b.add_tensor("weights.q8_0", GGML_TYPE_Q8_0, {64, 2}, q8_bytes);
        b.write(path);
    }

    ScopedTempDir dir;
    std::filesystem::path path = dir / "kinds.gguf";
    std::vector<float> f32_values = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8, 0, 0, 0, 0, 9, 9, 9, 9};
    std::vector<uint8_t> q8_bytes;
};

TEST_F(GgufFileTest, ReadsHeader) {
    oracle::GgufFile f(path);
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.alignment(), 64u);
    EXPECT_EQ(f.data_offset() % 64, 0u);
    EXPECT_EQ(f.kv_count(), 17);
    EXPECT_EQ(f.keys().front(), "general.alignment");
    EXPECT_EQ(f.keys().back(), "t.arr_str");
}

TEST_F(GgufFileTest, ReadsScalarsOfEveryKind) {
    oracle::GgufFile f(path);
    EXPECT_EQ(f.kv("t.u8").as_int(), 200);
    EXPECT_EQ(f.kv("t.i8").as_int(), -100);
    EXPECT_EQ(f.kv("t.u16").as_int(), 60000);
    EXPECT_EQ(f.kv("t.i16").as_int(), -30000);
    EXPECT_EQ(f.kv("t.u32").as_int(), 4000000000ll);
    EXPECT_EQ(f.kv("t.i32").as_int(), -2000000000);
    EXPECT_EQ(f.kv("t.u64").as_int(), 1ll << 40);
    EXPECT_EQ(f.kv("t.i64").as_int(), -(1ll << 50));
    EXPECT_EQ(f.kv("t.f32").as_double(), 0.25);
    EXPECT_EQ(f.kv("t.f64").as_double(), 1.0 / 3.0);
    EXPECT_EQ(f.kv("t.u32").as_double(), 4e9);
    EXPECT_TRUE(f.kv("t.bool").as_bool());
    EXPECT_EQ(f.kv("t.str").as_string(), "h\xC3\xA9llo");
    EXPECT_EQ(f.kv("t.u16").type(), static_cast<uint32_t>(GGUF_TYPE_UINT16));
    EXPECT_FALSE(f.kv("t.str").is_array());
}

TEST_F(GgufFileTest, ReadsArraysOfEveryKind) {
    oracle::GgufFile f(path);
    const auto ints = f.kv("t.arr_i32");
    ASSERT_TRUE(ints.is_array());
    EXPECT_EQ(ints.array_type(), static_cast<uint32_t>(GGUF_TYPE_INT32));
    ASSERT_EQ(ints.array_size(), 3u);
    EXPECT_EQ(ints.int_at(0), 3);
    EXPECT_EQ(ints.int_at(1), -1);
    EXPECT_EQ(ints.int_at(2), 7);
    EXPECT_EQ(f.kv("t.arr_f32").double_at(1), -2.0);
    EXPECT_TRUE(f.kv("t.arr_bool").bool_at(0));
    EXPECT_FALSE(f.kv("t.arr_bool").bool_at(1));
    const auto strings = f.kv("t.arr_str");
    ASSERT_EQ(strings.array_size(), 3u);
    EXPECT_EQ(strings.string_at(0), "alpha");
    EXPECT_EQ(strings.string_at(1), "");
    EXPECT_EQ(strings.string_at(2), "gamma");
    EXPECT_EQ(strings.type_name(), "array of str");
}

TEST_F(GgufFileTest, ReadsTensorInfoAndData) {
    oracle::GgufFile f(path);
    const auto tensors = f.tensors();
    ASSERT_EQ(tensors.size(), 2u);
    EXPECT_EQ(tensors[0].name, "weights.f32");
    EXPECT_EQ(tensors[0].type, static_cast<uint32_t>(GGML_TYPE_F32));
    EXPECT_EQ(tensors[0].ne, (std::array<int64_t, 4>{8, 3, 1, 1}));
    EXPECT_EQ(tensors[0].size, 8u * 3 * 4);
    EXPECT_EQ(tensors[0].offset, 0u);
    const auto q8 = f.tensor("weights.q8_0");
    EXPECT_EQ(q8.type, static_cast<uint32_t>(GGML_TYPE_Q8_0));
    EXPECT_EQ(q8.n_elements(), 128);
    EXPECT_EQ(q8.size, 2 * oracle::row_size(GGML_TYPE_Q8_0, 64));
    EXPECT_EQ(q8.offset % 64, 0u);
    EXPECT_EQ(f.read_tensor_data(tensors[0]), bytes_of(f32_values));
    EXPECT_EQ(f.read_tensor_data(q8), q8_bytes);
    EXPECT_FALSE(f.find_tensor("missing").has_value());
}

TEST_F(GgufFileTest, WrongKindReadsNameFileAndKey) {
    oracle::GgufFile f(path);
    try {
        (void)f.kv("t.str").as_int();
        FAIL() << "reading a string as an integer must throw";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'t.str'"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)f.kv("t.f32").as_int(), std::runtime_error);
    EXPECT_THROW((void)f.kv("t.i32").as_bool(), std::runtime_error);
    EXPECT_THROW((void)f.kv("t.arr_i32").as_int(), std::runtime_error);
    EXPECT_THROW((void)f.kv("t.i32").int_at(0), std::runtime_error);
    EXPECT_THROW((void)f.kv("t.arr_i32").int_at(3), std::runtime_error);
    EXPECT_THROW((void)f.kv("t.arr_str").double_at(0), std::runtime_error);
    EXPECT_THROW((void)f.kv("no.such.key"), std::runtime_error);
    EXPECT_THROW((void)f.tensor("missing"), std::runtime_error);
}

TEST_F(GgufFileTest, RejectedFilesThrowWithThePath) {
    const auto garbage = dir / "garbage.gguf";
    std::ofstream(garbage, std::ios::binary) << "GGUF but not really a gguf file at all";
    try {
        oracle::GgufFile f(garbage);
        FAIL() << "garbage must be rejected";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(garbage.string()), std::string::npos) << e.what();
    }
    // Truncated copies of a valid file: cut inside the key/values, and inside the tensor data.
    const oracle::GgufFile intact(path);
    const auto last = intact.tensor("weights.q8_0");
    for (uintmax_t keep : {uintmax_t{100}, intact.data_offset() + last.offset + last.size - 1}) {
        const auto truncated = dir / ("truncated-" + std::to_string(keep) + ".gguf");
        std::filesystem::copy_file(path, truncated);
        std::filesystem::resize_file(truncated, keep);
        EXPECT_THROW(oracle::GgufFile{truncated}, std::runtime_error) << "kept " << keep << " bytes";
    }
    EXPECT_THROW(oracle::GgufFile{dir / "absent.gguf"}, std::runtime_error);
}

TEST(GgufBuilder, RejectsWhatGgmlWouldAbortOn) {
    oracle::GgufBuilder b;
    b.add_f32_tensor("a", {4}, {1, 2, 3, 4});
    EXPECT_THROW(b.add_f32_tensor("a", {4}, {1, 2, 3, 4}), std::invalid_argument);    // duplicate name
    EXPECT_THROW(b.add_f32_tensor("b", {4}, {1, 2, 3}), std::invalid_argument);       // wrong byte count
    EXPECT_THROW(b.add_tensor("c", GGML_TYPE_Q8_0, {31}, {}), std::invalid_argument); // partial block
    EXPECT_THROW(b.add_tensor("d", 4, {32}, {}), std::invalid_argument);              // removed type
    EXPECT_THROW(oracle::GgufBuilder(48), std::invalid_argument);                     // alignment not 2^n
}

} // namespace
