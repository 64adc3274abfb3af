// MXFP4 checkpoints (GPT-OSS layout: X_blocks U8 [rows, cols/32, 16], X_scales
// U8 [rows, cols/32]), built from a random Qwen3 by tests/reference's numpy
// encoder: the store keeps blocks and scales exactly, the F32 export equals
// numpy's dequantization bit for bit, and an MXFP4 export holds the source's
// nibbles and scale bytes repacked into GGUF blocks, which ggml dequantizes to
// exactly the source values.
#include "arch_model.hpp"

#include "pipeline/import_pipeline.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>
#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>
#include <reference/reference_scripts.hpp>

#include <cstring>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr uint32_t kGgmlMxfp4 = 39;

const std::map<std::string, std::string> &projections() {
    static const std::map<std::string, std::string> roles{
        {"attn_q", "self_attn.q_proj"}, {"attn_k", "self_attn.k_proj"}, {"attn_v", "self_attn.v_proj"},
        {"attn_output", "self_attn.o_proj"}, {"ffn_gate", "mlp.gate_proj"}, {"ffn_up", "mlp.up_proj"},
        {"ffn_down", "mlp.down_proj"}};
    return roles;
}

struct Mxfp4Model {
    fs::path dir, encoded, dequantized, store;
    ArchModel arch;
};

const Mxfp4Model &model() {
    static const Mxfp4Model m = [] {
        Mxfp4Model m;
        m.dir = fs::temp_directory_path() / ("gmat-mxfp4-" + std::to_string(::getpid()));
        fs::remove_all(m.dir);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-mxfp4-" + std::to_string(::getpid()))); });
        const fs::path src = m.dir / "src";
        m.encoded = m.dir / "encoded";
        m.dequantized = m.dir / "dequantized";
        reference::run_reference_script("make_arch_checkpoint.py", {src.string(), "--architecture", "Qwen3ForCausalLM",
                                                                    "--head-dim", "128", "--vocab", "512"});
        reference::run_reference_script("make_low_precision_checkpoint.py",
                                        {src.string(), m.encoded.string(), "--method", "mxfp4", "--dequantized",
                                         m.dequantized.string()});
        ImportOptions import;
        import.model = m.encoded;
        import.output_dir = m.dir;
        import.progress = false;
        std::ostringstream log;
        m.store = run_import(build_plugins(), import, log).store;
        m.arch.hf_class = "Qwen3ForCausalLM";
        m.arch.dir = m.dir;
        m.arch.hf = m.dequantized;
        m.arch.store = m.store;
        for (int i = 0; i < 32; ++i) m.arch.tokens.push_back((i * 97 + 3) % 512);
        return m;
    }();
    return m;
}

std::vector<uint8_t> source_bytes(const SourceReader &reader, const std::string &name) {
    for (size_t i = 0; i < reader.tensors().size(); ++i)
        if (reader.tensors()[i].name == name) {
            std::vector<uint8_t> bytes(reader.tensors()[i].n_bytes);
            reader.read(i, 0, bytes.size(), bytes.data());
            return bytes;
        }
    throw std::runtime_error("no source tensor " + name);
}

std::string hf_name(int layer, const std::string &projection) {
    return "model.layers." + std::to_string(layer) + "." + projection + ".weight";
}

// The documented repack, written out here independently of gmat's: GGUF byte j
// of a block holds source value j (low nibble) and j + 16 (high nibble); the
// source holds value 2k in the low nibble of byte k and 2k + 1 in the high one.
std::vector<uint8_t> expected_gguf_blocks(const std::vector<uint8_t> &blocks, const std::vector<uint8_t> &scales) {
    std::vector<uint8_t> out;
    for (size_t b = 0; b < scales.size(); ++b) {
        const uint8_t *src = blocks.data() + 16 * b;
        uint8_t nibbles[32];
        for (int k = 0; k < 16; ++k) nibbles[2 * k] = src[k] & 0xf, nibbles[2 * k + 1] = src[k] >> 4;
        out.push_back(scales[b]);
        for (int j = 0; j < 16; ++j) out.push_back(static_cast<uint8_t>(nibbles[j] | (nibbles[j + 16] << 4)));
    }
    return out;
}

TEST(Mxfp4Checkpoint, StoreKeepsBlocksAndScalesUnderTheLogicalName) {
    const Mxfp4Model &m = model();
    const SourceReader reader = build_plugins().open_reader(m.encoded);
    for (const std::string block_format : {"raw", "zstd"}) {
        SCOPED_TRACE(block_format);
        fs::path store_dir = m.store;
        if (block_format == "zstd") {
            ImportOptions import;
            import.model = m.encoded;
            import.output_dir = m.dir / "zstd";
            import.block_format = "zstd";
            import.progress = false;
            std::ostringstream log;
            store_dir = run_import(build_plugins(), import, log).store;
        }
        const Store store = Store::open(store_dir);
        size_t encoded = 0;
        for (const auto &t : store.tensors()) {
            EXPECT_FALSE(t.name.ends_with("_blocks") || t.name.ends_with("_scales")) << t.name;
            if (!t.source.encoded()) continue;
            ++encoded;
            EXPECT_EQ(t.source.scheme, SourceScheme::mxfp4);
            std::vector<uint8_t> want = source_bytes(reader, t.name + "_blocks");
            const auto scales = source_bytes(reader, t.name + "_scales");
            want.insert(want.end(), scales.begin(), scales.end());
            const auto file = store.open_tensor(t);
            std::vector<uint8_t> got(file->header().payload_bytes);
            file->read(0, got.size(), got.data());
            EXPECT_EQ(got, want) << t.name;
        }
        EXPECT_EQ(encoded, 28u);
        const StoredTensor *down = store.find_name(hf_name(0, "mlp.down_proj"));
        ASSERT_NE(down, nullptr);
        EXPECT_EQ(down->shape, (std::vector<uint64_t>{256, 512})); // logical [rows, cols], not [rows, cols/32, 16]
    }
}

TEST(Mxfp4Checkpoint, F32ExportEqualsTheNumpyDequantizationBitForBit) {
    const Mxfp4Model &m = model();
    const oracle::GgufFile file(export_model(m.arch, "f32"));
    const SourceReader reference = build_plugins().open_reader(m.dequantized);
    for (int layer = 0; layer < 4; ++layer)
        for (const auto &[role, hf] : projections()) {
            const std::string name = "blk." + std::to_string(layer) + "." + role + ".weight";
            EXPECT_TRUE(file.read_tensor_data(file.tensor(name)) == source_bytes(reference, hf_name(layer, hf))) << name;
        }
}

TEST(Mxfp4Checkpoint, Mxfp4ExportIsTheSourceRepackedAndGgmlDequantizesItToTheSourceValues) {
    const Mxfp4Model &m = model();
    const fs::path out = m.dir / "mxfp4.gguf";
    export_in_process(m.store,
                      R"({"quantization": {"default_type": "f32", "per_tensor": {"blk\\.[0-9]+\\..*": "mxfp4"}}})", out);
    const oracle::GgufFile file(out);
    const SourceReader source = build_plugins().open_reader(m.encoded);
    const SourceReader reference = build_plugins().open_reader(m.dequantized);
    size_t checked = 0;
    for (int layer = 0; layer < 4; ++layer)
        for (const auto &[role, hf] : projections()) {
            const std::string name = "blk." + std::to_string(layer) + "." + role + ".weight";
            SCOPED_TRACE(name);
            const auto info = file.tensor(name);
            ASSERT_EQ(info.type, kGgmlMxfp4);
            const auto bytes = file.read_tensor_data(info);
            const std::string stem = hf_name(layer, hf);
            EXPECT_TRUE(bytes == expected_gguf_blocks(source_bytes(source, stem + "_blocks"),
                                                      source_bytes(source, stem + "_scales")));
            const auto want = source_bytes(reference, stem);
            const std::vector<float> values = oracle::dequantize(kGgmlMxfp4, bytes.data(), int64_t(want.size() / 4));
            ASSERT_EQ(values.size() * 4, want.size());
            EXPECT_EQ(std::memcmp(values.data(), want.data(), want.size()), 0) << "ggml's values differ from the source's";
            ++checked;
        }
    EXPECT_EQ(checked, 28u);
}

// The same model with its scale bytes declared F8_E8M0 (as some re-saved
// GPT-OSS checkpoints do) stores the same bytes, with the companion's declared
// dtype, and exports the same F32 file.
TEST(Mxfp4Checkpoint, ScalesDeclaredF8E8M0StoreAndExportAsTheU8Ones) {
    const Mxfp4Model &m = model();
    const fs::path encoded = m.dir / "encoded-e8m0";
    reference::run_reference_script("make_low_precision_checkpoint.py", {(m.dir / "src").string(), encoded.string(),
                                                                         "--method", "mxfp4", "--e8m0-dtype", "F8_E8M0"});
    ImportOptions import;
    import.model = encoded;
    import.output_dir = m.dir / "e8m0";
    import.progress = false;
    std::ostringstream log;
    const fs::path store_dir = run_import(build_plugins(), import, log).store;
    const Store store = Store::open(store_dir), u8_store = Store::open(m.store);
    size_t encoded_tensors = 0;
    for (const auto &t : store.tensors()) {
        if (!t.source.encoded()) continue;
        SCOPED_TRACE(t.name);
        ++encoded_tensors;
        ASSERT_EQ(t.source.companions.size(), 1u);
        EXPECT_EQ(t.source.companions[0].dtype, GMAT_DTYPE_F8_E8M0);
        const StoredTensor *u8 = u8_store.find_name(t.name);
        ASSERT_NE(u8, nullptr);
        EXPECT_EQ(u8->source.companions[0].dtype, GMAT_DTYPE_U8);
        EXPECT_EQ(t.shape, u8->shape);
        const auto file = store.open_tensor(t), u8_file = u8_store.open_tensor(*u8);
        std::vector<uint8_t> got(file->header().payload_bytes), want(u8_file->header().payload_bytes);
        file->read(0, got.size(), got.data());
        u8_file->read(0, want.size(), want.data());
        EXPECT_EQ(got, want);
    }
    EXPECT_EQ(encoded_tensors, 28u);
    const fs::path out = m.dir / "e8m0-f32.gguf";
    export_in_process(store_dir, default_type_config("f32"), out);
    const oracle::GgufFile ours(out), u8_export(export_model(m.arch, "f32"));
    ASSERT_EQ(ours.tensors().size(), u8_export.tensors().size());
    for (const auto &t : u8_export.tensors())
        EXPECT_TRUE(ours.read_tensor_data(ours.tensor(t.name)) == u8_export.read_tensor_data(t)) << t.name;
}

} // namespace
} // namespace gmat::test
