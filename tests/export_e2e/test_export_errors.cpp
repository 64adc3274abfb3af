// A failed export names what is wrong and leaves nothing at the output path.
#include "export_fixture.hpp"

#include "common/error.hpp"
#include "store/tensor_uuid.hpp"

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

void expect_export_error(const std::string &config, const std::vector<std::string> &fragments,
                         const fs::path &store = llama_model("f32").store) {
    const fs::path out = scratch_path("failed/out.gguf");
    fs::create_directories(out.parent_path());
    try {
        export_store(store, config, out);
        ADD_FAILURE() << "export succeeded with " << config;
    } catch (const GmatError &e) {
        for (const auto &f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what() << "\nmissing: " << f;
    }
    EXPECT_FALSE(fs::exists(out));
    for (const auto &entry : fs::directory_iterator(out.parent_path())) ADD_FAILURE() << "left behind: " << entry.path();
}

TEST(ExportErrors, UnknownTypeListsTheValidOnes) {
    expect_export_error(R"({"quantization": {"default_type": "q4_z"}})",
                        {"quantization.default_type", "unknown type 'q4_z'", "q4_k_m", "q8_0"});
}

TEST(ExportErrors, UnknownPerTensorTypeNamesTheKey) {
    expect_export_error(R"({"quantization": {"default_type": "q8_0", "per_tensor": {"token_embd.weight": "q9"}}})",
                        {"per_tensor['token_embd.weight']", "unknown type 'q9'"});
}

TEST(ExportErrors, UnknownKeysListTheValidOnes) {
    expect_export_error(R"({"quantisation": {}})", {"unknown key 'quantisation'", "quantization", "shard_size"});
    expect_export_error(R"({"quantization": {"default": "q8_0"}})", {"unknown key 'default' in quantization", "default_type"});
    expect_export_error(R"({"quantization": {"scale_optimization": "magic"}})", {"scale_optimization", "standard, trellis"});
}

TEST(ExportErrors, TensorMapWithAnUnknownUuid) {
    expect_export_error(R"({"tensor_map": [{"source": "99ff4033-4060-4b3a-b2ad-ec48d5abd1c0", "target": "blk.0.ffn_down.weight"}]})",
                        {"tensor_map[0].source", "no tensor with UUID 99ff4033-4060-4b3a-b2ad-ec48d5abd1c0"});
}

TEST(ExportErrors, UnknownTargetFormat) {
    expect_export_error(R"({"target_format": "onnx"})", {"no writer plugin for target format 'onnx'", "gguf"});
}

TEST(ExportErrors, ACorruptStoreTensorStopsTheExportNamingIt) {
    const ExportedModel &m = llama_model("f32");
    const fs::path copy = scratch_path("corrupt-store/model.gmat");
    fs::create_directories(copy.parent_path());
    fs::copy(m.store, copy, fs::copy_options::recursive);
    const std::string uuid = tensor_uuid_for("model.layers.1.mlp.up_proj.weight");
    const fs::path file = copy / "tensors" / (uuid + ".gmat");
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(file) - 100));
        f.put('\x5a');
    }
    expect_export_error(R"({"quantization": {"default_type": "q8_0"}})",
                        {"model.layers.1.mlp.up_proj.weight", uuid, "checksum"}, copy);
}

} // namespace
} // namespace gmat::test
