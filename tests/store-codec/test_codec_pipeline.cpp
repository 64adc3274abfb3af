// Imports and exports through the zstd codec: a config asking for a seed
// block format imports losslessly with one notice line, and exports from a
// zstd store are byte-identical to exports from a raw store of the same
// checkpoint (Q/K rows of Llama are read permuted, so random reads count).
#include "in_process_export.hpp"

#include "common/error.hpp"
#include "config/import_config.hpp"
#include "pipeline/import_pipeline.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>
#include <reference/reference_scripts.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

fs::path scratch() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-codec-pipeline-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-codec-pipeline-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}

// An F32 Llama whose embedding and output matrices span two 1 MiB chunks.
const fs::path &checkpoint() {
    static const fs::path hf = [] {
        reference::CheckpointOptions o;
        o.hidden = 128;
        o.intermediate = 384;
        o.vocab = 4096;
        o.heads = 4;
        o.kv_heads = 2;
        o.seed = 3;
        reference::make_llama_checkpoint(scratch() / "hf", o);
        return scratch() / "hf";
    }();
    return hf;
}

fs::path import_store(const std::string &name, std::optional<std::string> block_format,
                      std::optional<fs::path> config = {}, std::string *log_text = nullptr) {
    ImportOptions options;
    options.model = checkpoint();
    options.output_dir = scratch() / name / "model"; // the same folder name: GGUFs name the model after it
    options.config = config;
    options.block_format = block_format;
    options.progress = false;
    options.threads = 2;
    std::ostringstream log;
    const fs::path store = run_import(build_plugins(), options, log).store;
    if (log_text) *log_text = log.str();
    return store;
}

std::vector<uint8_t> export_bytes(const fs::path &store_dir, const std::string &type) {
    const fs::path output = store_dir.parent_path() / (type + ".gguf");
    export_in_process(store_dir, default_type_config(type), output);
    std::ifstream in(output, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t count(const std::string &text, const std::string &what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(CodecPipeline, ASeedBlockFormatImportsLosslesslyIntoZstdWithOneNotice) {
    const SourceReader source = build_plugins().open_reader(checkpoint());
    ImportConfig config = generate_import_config(source, checkpoint() / "config.json");
    config.block_format = "B8x8";
    const fs::path config_file = scratch() / "b8x8.json";
    write_import_config(config_file, config);
    std::string log;
    const Store store = Store::open(import_store("b8x8", std::nullopt, config_file, &log));
    EXPECT_EQ(count(log, "block_format 'B8x8'"), 1u) << log;
    EXPECT_EQ(count(log, "lossless zstd codec"), 1u) << log;
    for (size_t i = 0; i < source.tensors().size(); ++i) {
        const SourceTensor &s = source.tensors()[i];
        const StoredTensor *t = store.find_name(s.name);
        ASSERT_NE(t, nullptr) << s.name;
        const auto reader = store.open_tensor(*t);
        EXPECT_EQ(reader->header().encoding, TensorEncoding::zstd_planes) << s.name;
        std::vector<uint8_t> expected(s.n_bytes), got(s.n_bytes);
        source.read(i, 0, s.n_bytes, expected.data());
        reader->read(0, got.size(), got.data());
        EXPECT_TRUE(got == expected) << s.name;
    }
    EXPECT_TRUE(store.verify().empty());
}

TEST(CodecPipeline, ExportsFromAZstdStoreEqualExportsFromARawStore) {
    const fs::path raw = import_store("raw", std::nullopt);
    const fs::path zstd = import_store("zstd", std::string("zstd"));
    uint64_t raw_bytes = 0, zstd_bytes = 0;
    for (const auto &e : fs::directory_iterator(raw / "tensors")) raw_bytes += e.file_size();
    for (const auto &e : fs::directory_iterator(zstd / "tensors")) zstd_bytes += e.file_size();
    EXPECT_LT(zstd_bytes, raw_bytes) << "an F32 store that zstd does not shrink";
    for (const std::string type : {"f32", "q8_0", "q4_k"}) {
        const auto a = export_bytes(raw, type), b = export_bytes(zstd, type);
        ASSERT_FALSE(a.empty()) << type;
        EXPECT_TRUE(a == b) << type << ": the zstd store's GGUF differs from the raw store's";
    }
}

// popen: stdout of a gmat command line.
std::string run_gmat(const std::string &args) {
    std::string out;
    FILE *p = ::popen((std::string(GMAT_CLI_PATH) + " " + args + " 2>&1").c_str(), "r");
    std::array<char, 4096> buf{};
    while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    EXPECT_EQ(::pclose(p), 0) << args << "\n" << out;
    return out;
}

TEST(CodecPipeline, TheCliTakesABlockFormatAndInspectShowsTheEncoding) {
    const fs::path out = scratch() / "cli";
    const std::string log = run_gmat("import -m " + checkpoint().string() + " -o " + out.string() + " --block-format B16x4");
    EXPECT_EQ(count(log, "block_format 'B16x4'"), 1u) << log;
    const std::string inspect = run_gmat("inspect " + (out / "model.gmat").string());
    EXPECT_NE(inspect.find("zstd"), std::string::npos) << inspect;
    EXPECT_NE(inspect.find("STORED"), std::string::npos) << inspect;
}

} // namespace
} // namespace gmat::test
