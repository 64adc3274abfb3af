// FP8 and MXFP4 checkpoints with broken scales or quantization_config: a clear
// error naming the file, tensor and field, and no store left behind.
#include "import_test_env.hpp"

#include "store/store.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

std::vector<uint8_t> f32_bytes(const std::vector<float> &values) {
    std::vector<uint8_t> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

class LowPrecisionImportErrors : public ImportTest {
protected:
    void SetUp() override {
        ImportTest::SetUp();
        hf_ = dir_ / "hf";
        fs::create_directories(hf_);
    }
    // An F32 embedding plus whatever the test adds; config.json with quantization_config.
    void write(SafetensorsFixture st, const std::string &quantization_config) {
        st.add_f32("model.embed_tokens.weight", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
        st.write_file(hf_ / "model.safetensors");
        write_text(hf_ / "config.json", R"({"architectures": ["Qwen3ForCausalLM"], "quantization_config": )" +
                                            quantization_config + "}");
    }
    // An FP8 weight [4, 200] (two 128-column blocks) and, unless scale_shape is empty, its scale_inv.
    static SafetensorsFixture fp8_weight(std::vector<uint64_t> scale_shape, std::vector<float> scales) {
        SafetensorsFixture st;
        st.add_random("model.layers.0.mlp.up_proj.weight", "F8_E4M3", {4, 200}, 7);
        if (!scale_shape.empty()) st.add("model.layers.0.mlp.up_proj.weight_scale_inv", "F32", scale_shape, f32_bytes(scales));
        return st;
    }
    void expect_import_error(const std::vector<std::string> &fragments) {
        expect_error([&] { import(hf_); }, fragments);
        EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
        if (fs::exists(dir_ / "out"))
            for (const auto &e : fs::directory_iterator(dir_ / "out")) ADD_FAILURE() << "left behind: " << e.path();
    }
    std::string file() const { return (hf_ / "model.safetensors").string(); }
    fs::path hf_;
};

constexpr const char *kFp8 = R"({"quant_method": "fp8", "weight_block_size": [128, 128]})";

TEST_F(LowPrecisionImportErrors, ValidFp8CheckpointImports) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), kFp8);
    import(hf_);
    const Store store = Store::open(dir_ / "out" / "model.gmat");
    EXPECT_EQ(store.tensors().size(), 2u); // the scale is a companion, not a tensor
}

TEST_F(LowPrecisionImportErrors, MissingScaleTensor) {
    write(fp8_weight({}, {}), kFp8);
    expect_import_error({"config.json: quantization_config", file(), "tensor 'model.layers.0.mlp.up_proj.weight'",
                         "has no scale tensor 'model.layers.0.mlp.up_proj.weight_scale_inv'"});
}

TEST_F(LowPrecisionImportErrors, ExtraScaleTensor) {
    SafetensorsFixture st = fp8_weight({1, 2}, {0.5f, 0.25f});
    st.add("model.layers.0.mlp.down_proj.weight_scale_inv", "F32", {1, 1}, f32_bytes({1.0f}));
    write(st, kFp8);
    expect_import_error({file(), "scale tensor 'model.layers.0.mlp.down_proj.weight_scale_inv' belongs to no weight"});
}

TEST_F(LowPrecisionImportErrors, WronglyShapedScaleTensor) {
    write(fp8_weight({2, 2}, {1, 1, 1, 1}), kFp8);
    expect_import_error({"source_encoding", file(), "tensor 'model.layers.0.mlp.up_proj.weight'",
                         "scales [2,2] do not match 128x128 blocks of [4,200] (need [1, 2])"});
}

TEST_F(LowPrecisionImportErrors, NonFiniteScale) {
    write(fp8_weight({1, 2}, {0.5f, std::numeric_limits<float>::infinity()}), kFp8);
    expect_import_error({file(), "tensor 'model.layers.0.mlp.up_proj.weight_scale_inv'", "value #1 is inf",
                         "scales must be finite and non-zero"});
}

TEST_F(LowPrecisionImportErrors, NanScale) {
    write(fp8_weight({1, 2}, {std::nanf(""), 1.0f}), kFp8);
    expect_import_error({"tensor 'model.layers.0.mlp.up_proj.weight_scale_inv'", "value #0 is nan"});
}

TEST_F(LowPrecisionImportErrors, ZeroScale) {
    write(fp8_weight({1, 2}, {0.0f, 1.0f}), kFp8);
    expect_import_error({file(), "tensor 'model.layers.0.mlp.up_proj.weight_scale_inv'", "value #0 is 0.0",
                         "scales must be finite and non-zero"});
}

TEST_F(LowPrecisionImportErrors, UnknownQuantMethod) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), R"({"quant_method": "awq", "bits": 4})");
    expect_import_error({"config.json: quantization_config.quant_method", "'awq' is not supported"});
}

TEST_F(LowPrecisionImportErrors, BlockSizeTheDataDoesNotFit) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), R"({"quant_method": "fp8", "weight_block_size": [64, 64]})");
    expect_import_error({file(), "tensor 'model.layers.0.mlp.up_proj.weight'", "block 64x64",
                         "do not match 64x64 blocks of [4,200] (need [1, 4])"});
}

TEST_F(LowPrecisionImportErrors, ZeroOrMissingBlockSize) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), R"({"quant_method": "fp8", "weight_block_size": [0, 128]})");
    expect_import_error({"config.json: quantization_config.weight_block_size", "is not a block size"});
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), R"({"quant_method": "fp8"})");
    expect_import_error({"config.json: quantization_config", "weight_block_size"});
}

TEST_F(LowPrecisionImportErrors, CompressedTensorsScaleNeitherPerTensorNorPerChannel) {
    SafetensorsFixture st;
    st.add_random("model.layers.0.mlp.up_proj.weight", "F8_E4M3", {4, 200}, 7);
    st.add("model.layers.0.mlp.up_proj.weight_scale", "F32", {3, 1}, f32_bytes({1, 1, 1}));
    write(st, R"({"quant_method": "compressed-tensors"})");
    expect_import_error({file(), "tensor 'model.layers.0.mlp.up_proj.weight_scale' [3,1]",
                         "neither one scale per tensor nor one per output channel"});
}

TEST_F(LowPrecisionImportErrors, CompanionListedAsItsOwnTensor) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), kFp8);
    write_text(dir_ / "import_config.json", R"({"tensor_map": [
        {"source": "model.layers.0.mlp.up_proj.weight", "target": "11111111-1111-4111-8111-111111111111",
         "source_encoding": {"scheme": "fp8-block", "block": [128, 128], "scales": "model.layers.0.mlp.up_proj.weight_scale_inv"}},
        {"source": "model.layers.0.mlp.up_proj.weight_scale_inv", "target": "22222222-2222-4222-8222-222222222222"}]})");
    expect_error([&] { import(hf_, dir_ / "import_config.json"); },
                 {(dir_ / "import_config.json").string(), "tensor_map[1]",
                  "is the scale companion of 'model.layers.0.mlp.up_proj.weight'"});
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
}

TEST_F(LowPrecisionImportErrors, Fp8WeightWithoutSourceEncodingInAConfig) {
    write(fp8_weight({1, 2}, {0.5f, 0.25f}), kFp8);
    write_text(dir_ / "import_config.json", R"({"tensor_map": [
        {"source": "model.layers.0.mlp.up_proj.weight", "target": "11111111-1111-4111-8111-111111111111"}]})");
    expect_error([&] { import(hf_, dir_ / "import_config.json"); },
                 {"tensor_map[0]", "dtype F8_E4M3 is not supported for weights", "\"source_encoding\""});
}

TEST_F(LowPrecisionImportErrors, Mxfp4NanScaleAndBadBlockShape) {
    SafetensorsFixture st;
    st.add_random("model.layers.0.mlp.experts.down_proj_blocks", "U8", {2, 4, 2, 16}, 3);
    st.add("model.layers.0.mlp.experts.down_proj_scales", "U8", {2, 4, 2}, std::vector<uint8_t>(16, 0xff));
    write(st, R"({"quant_method": "mxfp4"})");
    expect_import_error({file(), "tensor 'model.layers.0.mlp.experts.down_proj_scales'", "value #0 is nan"});

    SafetensorsFixture wrong;
    wrong.add_random("model.layers.0.mlp.experts.down_proj_blocks", "U8", {2, 4, 2, 8}, 3);
    wrong.add("model.layers.0.mlp.experts.down_proj_scales", "U8", {2, 4, 2}, std::vector<uint8_t>(16, 120));
    write(wrong, R"({"quant_method": "mxfp4"})");
    expect_import_error({file(), "tensor 'model.layers.0.mlp.experts.down_proj_blocks'",
                         "mxfp4 blocks must be [..., rows, cols/32, 16], are [2,4,2,8]"});
}

// Some re-saved GPT-OSS checkpoints declare the E8M0 scale bytes F8_E8M0
// instead of U8: read exactly like U8 ones, with the same scale rules.
TEST_F(LowPrecisionImportErrors, Mxfp4ScalesDeclaredF8E8M0ImportAndKeepTheirRules) {
    SafetensorsFixture st;
    st.add_random("model.layers.0.mlp.experts.down_proj_blocks", "U8", {2, 4, 2, 16}, 3);
    st.add("model.layers.0.mlp.experts.down_proj_scales", "F8_E8M0", {2, 4, 2}, std::vector<uint8_t>(16, 120));
    write(st, R"({"quant_method": "mxfp4"})");
    import(hf_);
    const Store store = Store::open(dir_ / "out" / "model.gmat");
    const StoredTensor *down = store.find_name("model.layers.0.mlp.experts.down_proj");
    ASSERT_NE(down, nullptr);
    ASSERT_EQ(down->source.companions.size(), 1u);
    EXPECT_EQ(down->source.companions[0].dtype, GMAT_DTYPE_F8_E8M0);
    fs::remove_all(dir_ / "out");

    SafetensorsFixture nan;
    nan.add_random("model.layers.0.mlp.experts.down_proj_blocks", "U8", {2, 4, 2, 16}, 3);
    std::vector<uint8_t> scales(16, 120);
    scales[5] = 0xff;
    nan.add("model.layers.0.mlp.experts.down_proj_scales", "F8_E8M0", {2, 4, 2}, scales);
    write(nan, R"({"quant_method": "mxfp4"})");
    expect_import_error({file(), "tensor 'model.layers.0.mlp.experts.down_proj_scales'", "value #5 is nan"});

    SafetensorsFixture misshaped;
    misshaped.add_random("model.layers.0.mlp.experts.down_proj_blocks", "U8", {2, 4, 2, 16}, 3);
    misshaped.add("model.layers.0.mlp.experts.down_proj_scales", "F8_E8M0", {2, 4, 1}, std::vector<uint8_t>(8, 120));
    write(misshaped, R"({"quant_method": "mxfp4"})");
    expect_import_error({file(), "model.layers.0.mlp.experts.down_proj", "scales [2,4,1] do not match blocks [2,4,2]"});

    // E8M0 is a scale type: as the blocks' dtype it is no MXFP4 data, so the scales belong to no weight.
    SafetensorsFixture blocks;
    blocks.add_random("model.layers.0.mlp.experts.down_proj_blocks", "F8_E8M0", {2, 4, 2, 16}, 3);
    blocks.add("model.layers.0.mlp.experts.down_proj_scales", "F8_E8M0", {2, 4, 2}, std::vector<uint8_t>(16, 120));
    write(blocks, R"({"quant_method": "mxfp4"})");
    expect_import_error({file(), "scale tensor 'model.layers.0.mlp.experts.down_proj_scales' belongs to no weight"});
}

} // namespace
} // namespace gmat::test
