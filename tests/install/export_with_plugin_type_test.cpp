// A model exported by the installed gmat with one tensor in a type only the
// out-of-tree example plugin provides (tq2_0): llama.cpp loads the file, and
// ggml's own to_float reads that tensor exactly as the plugin's dequantizer does.
#include "command_runner.hpp"

#include "plugins/plugin_registry.hpp"

#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace gmat::install_test {
namespace {

constexpr uint32_t kTq2_0 = 35, kQ8_0 = 8;
constexpr int kHidden = 256, kIntermediate = 512; // rows of 256 values: whole tq2_0 blocks

std::string with_example() { return "GMAT_PLUGIN_PATH=" + example_plugin_dir().string(); }

void expect_success(const CommandResult &r, const std::string &what) {
    ASSERT_EQ(r.exit_code, 0) << what << ":\n" << r.output;
}

// A random HF llama checkpoint imported with the installed gmat; returns the store.
fs::path imported_store(const fs::path &dir) {
    const fs::path hf = dir / "hf";
    expect_success(run_command({GMAT_PYTHON_NUMPY_FOR_INSTALL,
                                std::string(GMAT_SOURCE_DIR) + "/tests/reference/make_llama_checkpoint.py", hf.string(),
                                "--hidden", std::to_string(kHidden), "--intermediate", std::to_string(kIntermediate),
                                "--seed", "3"}),
                   "make_llama_checkpoint.py");
    expect_success(
        run_command({installed_gmat(), "-q", "import", "-m", hf.string(), "-o", dir.string()}, {with_example()}),
        "gmat import");
    return dir / "model.gmat";
}

// Exports the store with blk.0.ffn_up.weight in `type_name` and the rest in q8_0.
fs::path export_with(const fs::path &store, const fs::path &dir, const std::string &type_name) {
    const fs::path config = dir / (type_name.substr(0, type_name.find(':')) + "-config.json");
    std::ofstream(config) << R"({"target_format": "gguf", "quantization": {"default_type": "q8_0",
        "per_tensor": {"blk.0.ffn_up.weight": ")"
                          << type_name << R"("}}})";
    const fs::path gguf = dir / ("model-" + std::to_string(std::hash<std::string>{}(type_name)) + ".gguf");
    expect_success(run_command({installed_gmat(), "-q", "export", "-m", store.string(), "-c", config.string(), "-o",
                                gguf.string()},
                               {with_example()}),
                   "gmat export with " + type_name);
    return gguf;
}

std::vector<float> plugin_dequantize(const std::vector<uint8_t> &bytes, uint64_t rows, uint64_t cols) {
    const PluginRegistry registry = PluginRegistry::load({example_plugin_dir()});
    std::vector<float> values(rows * cols);
    registry.quant_type("tq2_0").dequantize_rows(bytes.data(), rows, cols, values.data());
    return values;
}

TEST(ExportWithPluginType, Tq2_0TensorLoadsInLlamaAndGgmlReadsItLikeThePlugin) {
    const fs::path dir = scratch_dir("export-tq2_0");
    const fs::path store = imported_store(dir);
    ASSERT_FALSE(HasFatalFailure());
    const fs::path gguf = export_with(store, dir, "tq2_0");
    ASSERT_FALSE(HasFatalFailure());

    const oracle::GgufFile file(gguf);
    const oracle::GgufTensorInfo up = file.tensor("blk.0.ffn_up.weight");
    ASSERT_EQ(up.type, kTq2_0);
    ASSERT_EQ(up.ne[0], kHidden);
    ASSERT_EQ(up.ne[1], kIntermediate);
    EXPECT_EQ(file.tensor("blk.1.ffn_up.weight").type, kQ8_0);

    const std::vector<uint8_t> bytes = file.read_tensor_data(up);
    const std::vector<float> ggml = oracle::dequantize(kTq2_0, bytes.data(), up.n_elements());
    const std::vector<float> ours = plugin_dequantize(bytes, kIntermediate, kHidden);
    ASSERT_EQ(ggml.size(), ours.size());
    EXPECT_EQ(std::memcmp(ggml.data(), ours.data(), ours.size() * sizeof(float)), 0);
    const auto nonzero = std::count_if(ours.begin(), ours.end(), [](float v) { return v != 0; });
    EXPECT_GT(nonzero, int64_t(ours.size() / 10)) << "a degenerate tensor proves little";

    oracle::Llama llama(gguf); // check_tensors: llama.cpp validates every block's scale
    const std::vector<float> logits = llama.logits({1, 17, 42, 99});
    EXPECT_TRUE(std::all_of(logits.begin(), logits.end(), [](float v) { return std::isfinite(v); }));
}

TEST(ExportWithPluginType, ThePluginQualifiedSpellingSelectsTheSameType) {
    const fs::path dir = scratch_dir("export-qualified");
    const fs::path store = imported_store(dir);
    ASSERT_FALSE(HasFatalFailure());
    const fs::path plain = export_with(store, dir, "tq2_0");
    const fs::path qualified = export_with(store, dir, "ternary:tq2_0");
    ASSERT_FALSE(HasFatalFailure());
    const oracle::GgufFile a(plain), b(qualified);
    const auto tensor_a = a.tensor("blk.0.ffn_up.weight"), tensor_b = b.tensor("blk.0.ffn_up.weight");
    EXPECT_EQ(tensor_b.type, kTq2_0);
    EXPECT_EQ(a.read_tensor_data(tensor_a), b.read_tensor_data(tensor_b));
}

TEST(ExportWithPluginType, AnUnknownPluginPrefixIsAnErrorNamingIt) {
    const fs::path dir = scratch_dir("export-unknown-plugin");
    const fs::path store = imported_store(dir);
    ASSERT_FALSE(HasFatalFailure());
    std::ofstream(dir / "config.json")
        << R"({"quantization": {"default_type": "q8_0", "per_tensor": {"blk.0.ffn_up.weight": "nosuch:tq2_0"}}})";
    const auto r = run_command({installed_gmat(), "export", "-m", store.string(), "-c", (dir / "config.json").string(),
                                "-o", (dir / "x.gguf").string()},
                               {with_example()});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("nosuch:tq2_0"), std::string::npos) << r.output;
}

} // namespace
} // namespace gmat::install_test
